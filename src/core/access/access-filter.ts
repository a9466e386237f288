import { SlipwayError } from '../errors.js';
import type { ClassificationLevels } from './classification-levels.js';
import type { Principal } from './principal.js';

/**
 * What one principal may see, in the plain form an index pushes into its query (SQL parameters, an in-memory
 * lookup). Built only by `accessFilterFor`; an anonymous principal has no user id, groups or roles, so only rules
 * allowing everyone can name it.
 */
export interface AccessFilter {
  /** Null for an anonymous principal. */
  userId: string | null;
  groups: readonly string[];
  roles: readonly string[];
  /** Every level this deployment knows, lowest first. */
  levels: ClassificationLevels;
  /** The levels the principal's clearance reaches: a prefix of `levels`. */
  readableLevels: readonly string[];
}

/**
 * The filter of a principal under the configured levels. A user without a clearance reaches the lowest level
 * only; an anonymous principal reaches the lowest level and is named by no user, group or role. A clearance that
 * is not one of the levels throws `invalid_request` (param `clearance`) rather than guessing a rank.
 * @example accessFilterFor({ kind: 'anonymous' }, DEFAULT_CLASSIFICATION_LEVELS).readableLevels // ['public']
 */
export function accessFilterFor(principal: Principal, levels: ClassificationLevels): AccessFilter {
  const lowest = levels.slice(0, 1);
  if (lowest.length === 0)
    throw new SlipwayError('invalid_request', 'No classification levels are configured');
  switch (principal.kind) {
    case 'anonymous':
      return Object.freeze({
        userId: null,
        groups: Object.freeze([]),
        roles: Object.freeze([]),
        levels,
        readableLevels: Object.freeze(lowest),
      });
    case 'end_user': {
      const rank = principal.clearance === null ? 0 : levels.indexOf(principal.clearance);
      if (rank < 0) {
        throw new SlipwayError('invalid_request', `Unknown clearance "${principal.clearance}"`, {
          param: 'clearance',
        });
      }
      return Object.freeze({
        userId: principal.userId,
        groups: Object.freeze([...new Set(principal.groups)]),
        roles: Object.freeze([...new Set(principal.roles)]),
        levels,
        readableLevels: Object.freeze(levels.slice(0, rank + 1)),
      });
    }
  }
}
