import { diffPromptDefinitions } from '../core/prompts/diff-prompt-definitions.js';
import type { PromptDefinitionDiff } from '../core/prompts/diff-prompt-definitions.js';
import { formatPromptDiff } from '../core/prompts/format-prompt-diff.js';
import type { PromptSelector } from '../core/prompts/prompt-selector.js';
import type { ResolvePrompt } from './resolve-prompt.js';

/** Two versions of a prompt compared: the structured diff and its unified-diff text (empty when identical). */
interface PromptVersionsDiff extends PromptDefinitionDiff {
  name: string;
  from: { version: number; contentHash: string };
  to: { version: number; contentHash: string };
  text: string;
}

export type DiffPromptVersions = (
  name: string,
  from: PromptSelector,
  to: PromptSelector,
) => Promise<PromptVersionsDiff>;

/**
 * Compares two versions of a prompt, each chosen by number or label. Throws `not_found` (from `resolve`) when
 * either does not exist.
 * @example const { text } = await diffVersions('support/triage', { label: 'production' }, { version: 4 });
 */
export function makeDiffPromptVersions(deps: { resolve: ResolvePrompt }): DiffPromptVersions {
  return async (name, from, to) => {
    const [before, after] = await Promise.all([deps.resolve(name, from), deps.resolve(name, to)]);
    const diff = diffPromptDefinitions(before.definition, after.definition);
    return {
      name,
      from: { version: before.version, contentHash: before.contentHash },
      to: { version: after.version, contentHash: after.contentHash },
      ...diff,
      text: formatPromptDiff(diff, {
        from: `${name}@${before.version}`,
        to: `${name}@${after.version}`,
      }),
    };
  };
}
