import type { AccessFilter } from '../../../core/access/access-filter.js';
import { SlipwayError } from '../../../core/errors.js';

const isStringList = (value: unknown): value is readonly string[] =>
  Array.isArray(value) && value.every((entry) => typeof entry === 'string');

/**
 * The filter as it will be bound into SQL, after checking it has the shape `accessFilterFor` gives. A filter that
 * does not (a caller's bug, a value from the wrong place) is `internal_error`: binding a missing list as NULL
 * would quietly read as "no groups", and access must never be decided on a guess.
 */
export function checkAccessFilter(filter: unknown): AccessFilter {
  if (filter === null || typeof filter !== 'object') {
    throw new SlipwayError('internal_error', 'A search needs the access filter of its principal');
  }
  const { userId, groups, roles, levels, readableLevels } = filter as Record<string, unknown>;
  const wellFormed =
    (userId === null || typeof userId === 'string') &&
    isStringList(groups) &&
    isStringList(roles) &&
    isStringList(levels) &&
    isStringList(readableLevels) &&
    readableLevels.every((level) => levels.includes(level));
  if (!wellFormed) throw new SlipwayError('internal_error', 'The access filter of this search is malformed');
  return filter as AccessFilter;
}
