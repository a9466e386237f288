/**
 * Prompt names contain slashes (`support/triage`), so the admin API routes `/api/prompts/*` and reads the path
 * from its end: the last one or two segments name what is asked for, the rest is the prompt's name. A name sent
 * URL-encoded (`support%2Ftriage`) arrives decoded and reads the same.
 */
export type PromptPath =
  | { kind: 'prompt'; name: string }
  | {
      kind: 'versions' | 'diff' | 'test-runs' | 'label-moves' | 'test' | 'promote' | 'rollback';
      name: string;
    }
  | { kind: 'version'; name: string; version: string }
  | { kind: 'test-run'; name: string; id: string };

const ACTIONS = ['versions', 'diff', 'test-runs', 'label-moves', 'test', 'promote', 'rollback'] as const;

/**
 * Splits the wildcard part of a prompt path.
 * @example parsePromptPath('support/triage/versions/3') // { kind: 'version', name: 'support/triage', version: '3' }
 */
export function parsePromptPath(path: string): PromptPath {
  const segments = path.split('/');
  const last = segments.at(-1) ?? '';
  const before = segments.at(-2);
  if (segments.length >= 3 && before === 'versions') {
    return { kind: 'version', name: segments.slice(0, -2).join('/'), version: last };
  }
  if (segments.length >= 3 && before === 'test-runs') {
    return { kind: 'test-run', name: segments.slice(0, -2).join('/'), id: last };
  }
  const action = ACTIONS.find((candidate) => candidate === last);
  if (segments.length >= 2 && action !== undefined) {
    return { kind: action, name: segments.slice(0, -1).join('/') };
  }
  return { kind: 'prompt', name: path };
}
