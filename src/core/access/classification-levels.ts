import { SlipwayError } from '../errors.js';

/** Classification levels, lowest first: a clearance reaches its own level and every level before it. */
export type ClassificationLevels = readonly string[];

/** The levels used when the configuration names none. */
export const DEFAULT_CLASSIFICATION_LEVELS: ClassificationLevels = Object.freeze([
  'public',
  'internal',
  'confidential',
  'restricted',
]);

const MAX_LEVELS = 32;
const MAX_LEVEL_LENGTH = 64;

/**
 * Checks a configured list of levels (lowest first) and returns a frozen copy. Throws `invalid_request` when the
 * list is empty, too long, or holds a blank, over-long or repeated name: an ambiguous order would make every
 * clearance comparison meaningless.
 * @example parseClassificationLevels(['open', 'secret']) // ['open', 'secret']
 */
export function parseClassificationLevels(names: readonly unknown[]): ClassificationLevels {
  if (names.length === 0 || names.length > MAX_LEVELS) {
    throw new SlipwayError('invalid_request', `Classification levels must be 1 to ${MAX_LEVELS} names`);
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (typeof name !== 'string' || name.trim() !== name || name === '' || name.length > MAX_LEVEL_LENGTH) {
      throw new SlipwayError(
        'invalid_request',
        `A classification level must be a name of 1 to ${MAX_LEVEL_LENGTH} characters without surrounding spaces`,
      );
    }
    if (seen.has(name))
      throw new SlipwayError('invalid_request', `Classification level "${name}" is repeated`);
    seen.add(name);
  }
  return Object.freeze([...(names as string[])]);
}
