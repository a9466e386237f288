import { SlipwayError } from '../errors.js';
import type { AccessFilter } from './access-filter.js';
import type { AccessRule } from './access-rule.js';

/** True when the rule allows everyone or names the filter's user, one of its groups or one of its roles. */
function namesPrincipal(rule: AccessRule, filter: AccessFilter): boolean {
  if (rule.everyone) return true;
  if (filter.userId !== null && rule.users.includes(filter.userId)) return true;
  return (
    filter.groups.some((group) => rule.groups.includes(group)) ||
    filter.roles.some((role) => rule.roles.includes(role))
  );
}

/**
 * True when a document of this classification is within the filter's clearance (an unclassified one always is).
 * A classification this deployment does not know throws `internal_error`: such a rule cannot be evaluated, and
 * the query fails closed instead of guessing a rank. Indexes that find the rules naming a principal through their
 * own lookup (an inverted index, a SQL join) call this for the clearance half of `isAllowed`.
 * @example clearanceReaches('internal', anonymousFilter) // false
 */
export function clearanceReaches(classification: string | null, filter: AccessFilter): boolean {
  if (classification === null) return true;
  if (!filter.levels.includes(classification)) {
    throw new SlipwayError(
      'internal_error',
      `An access rule names classification "${classification}", which is not a configured level`,
    );
  }
  return filter.readableLevels.includes(classification);
}

/**
 * The reference semantics of document-level security, which every vector index must agree with: the rule must
 * name the principal, and its classification must be within the principal's clearance (`clearanceReaches`, which
 * throws for an unknown classification: only a rule naming the principal is ever evaluated that far).
 * @example isAllowed({ everyone: true, users: [], groups: [], roles: [], classification: 'public' }, anonymousFilter) // true
 */
export function isAllowed(rule: AccessRule, filter: AccessFilter): boolean {
  return namesPrincipal(rule, filter) && clearanceReaches(rule.classification, filter);
}
