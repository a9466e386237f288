import { type AccessRule, parseAccessRule } from '../access/access-rule.js';
import type { ClassificationLevels } from '../access/classification-levels.js';
import { SlipwayError } from '../errors.js';

const KINDS = { user: 'users', group: 'groups', role: 'roles' } as const;

/**
 * Reads the `--allow` values of the CLI and the `allow` fields of an upload form (`everyone`, `user:alice`,
 * `group:finance`, `role:analyst`) and a classification into an access rule. No value at all is refused rather
 * than read as a rule naming nobody, which would hide the document from everyone; a classification must be one of
 * the configured levels. Errors are `invalid_request` with param `allow` or `classification`.
 * @example accessRuleOfAllowList(['group:finance'], 'confidential', levels)
 */
export function accessRuleOfAllowList(
  allow: readonly string[],
  classification: string | null,
  levels: ClassificationLevels,
): AccessRule {
  if (allow.length === 0) {
    throw new SlipwayError(
      'invalid_request',
      'Say who may read the documents: at least one allow entry (everyone, user:<id>, group:<name> or role:<name>).',
      { param: 'allow' },
    );
  }
  const subjects = { users: [] as string[], groups: [] as string[], roles: [] as string[] };
  let everyone = false;
  for (const entry of allow) {
    if (entry === 'everyone') {
      everyone = true;
      continue;
    }
    const colon = entry.indexOf(':');
    const kind = colon < 0 ? '' : entry.slice(0, colon);
    const name = entry.slice(colon + 1);
    if (!Object.hasOwn(KINDS, kind) || name.trim() === '') {
      throw new SlipwayError(
        'invalid_request',
        `Unknown allow entry "${entry}": expected everyone, user:<id>, group:<name> or role:<name>.`,
        { param: 'allow' },
      );
    }
    subjects[KINDS[kind as keyof typeof KINDS]].push(name);
  }
  if (classification !== null && !levels.includes(classification)) {
    throw new SlipwayError(
      'invalid_request',
      `Unknown classification "${classification}": expected one of ${levels.join(', ')}.`,
      { param: 'classification' },
    );
  }
  return parseAccessRule({ everyone, ...subjects, classification });
}

/** The rule as allow entries, the way `accessRuleOfAllowList` reads them: `['everyone', 'group:finance']`. */
export function allowListOf(rule: AccessRule): string[] {
  return [
    ...(rule.everyone ? ['everyone'] : []),
    ...rule.users.map((user) => `user:${user}`),
    ...rule.groups.map((group) => `group:${group}`),
    ...rule.roles.map((role) => `role:${role}`),
  ];
}
