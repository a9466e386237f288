import { z } from 'zod';
import { SlipwayError } from '../errors.js';

/**
 * Who may read a document. A principal is named by the rule when the rule allows everyone, names their user id,
 * or names one of their groups or roles; a named principal may read the document when the classification is
 * null or within their clearance. A rule naming nobody matches nobody (fail closed), and a group nobody belongs
 * to matches nobody.
 */
export interface AccessRule {
  everyone: boolean;
  /** Sorted, without repeats (as `parseAccessRule` returns them). */
  users: readonly string[];
  groups: readonly string[];
  roles: readonly string[];
  /** A classification level name, or null for an unclassified document. */
  classification: string | null;
}

const MAX_SUBJECTS = 1_000;
const subject = z.string().min(1).max(256);
const subjects = z.array(subject).max(MAX_SUBJECTS).default([]);

const accessRuleInput = z.strictObject({
  everyone: z.boolean().default(false),
  users: subjects,
  groups: subjects,
  roles: subjects,
  classification: z.string().min(1).max(64).nullable().default(null),
});

const sortedUnique = (values: readonly string[]): readonly string[] =>
  Object.freeze([...new Set(values)].sort());

/** `parseAccessRule`'s answer without throwing. */
export type SafeAccessRule = { success: true; rule: AccessRule } | { success: false; error: SlipwayError };

/**
 * Reads an access rule from untrusted input (an API body, a CLI flag set, a stored row): missing lists are
 * empty, `everyone` defaults to false, lists are sorted and de-duplicated, and the result is frozen. Unknown
 * fields and wrong types are `invalid_request`, never a silently wider rule.
 * @example safeParseAccessRule({ groups: ['finance'], classification: 'confidential' })
 */
export function safeParseAccessRule(input: unknown): SafeAccessRule {
  const parsed = accessRuleInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    return {
      success: false,
      error: new SlipwayError(
        'invalid_request',
        `Invalid access rule${where}: ${issue?.message ?? 'malformed'}`,
        {
          param: 'access_rule',
        },
      ),
    };
  }
  const { everyone, users, groups, roles, classification } = parsed.data;
  const rule: AccessRule = Object.freeze({
    everyone,
    users: sortedUnique(users),
    groups: sortedUnique(groups),
    roles: sortedUnique(roles),
    classification,
  });
  return { success: true, rule };
}

/** Like `safeParseAccessRule`, throwing its `invalid_request` error. */
export function parseAccessRule(input: unknown): AccessRule {
  const result = safeParseAccessRule(input);
  if (!result.success) throw result.error;
  return result.rule;
}
