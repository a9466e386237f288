import type { AccessFilter } from './access-filter.js';

/**
 * A (collection, access filter) pair as a map key, for what the vector indexes learn per principal and collection
 * (allowed-chunk counts, trust in a walk): every field access depends on, levels included (they decide which rules
 * are unknown, and so refused).
 * @example accessFilterKey(1, filter) // '[1,"ada",["finance"],[],["public"],["public","internal"]]'
 */
export const accessFilterKey = (collectionId: number, filter: AccessFilter): string =>
  JSON.stringify([
    collectionId,
    filter.userId,
    filter.groups,
    filter.roles,
    filter.readableLevels,
    filter.levels,
  ]);
