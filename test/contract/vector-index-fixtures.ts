import { accessFilterFor, type AccessFilter } from '../../src/core/access/access-filter.js';
import type { AccessRule } from '../../src/core/access/access-rule.js';
import { DEFAULT_CLASSIFICATION_LEVELS } from '../../src/core/access/classification-levels.js';
import type { IndexedDocument, VectorIndex } from '../../src/ports/vector-index.js';

/**
 * How the index under test should plan its searches: as it would in production (`auto`), or forced down one path
 * so that a small test collection exercises it (for the embedded index: thresholds of zero for `hnsw`); `checked`
 * puts every search in the zone where a principal's walk or nearest documents answer once checks have matched.
 */
export type PlannerForcing = 'auto' | 'exact' | 'hnsw' | 'checked' | 'documents';

/** Opens an index for a contract run; it may be shared by tests, which each use their own collections. */
export type OpenVectorIndex = (planner: PlannerForcing) => Promise<VectorIndex>;

export const ruleOf = (overrides: Partial<AccessRule> = {}): AccessRule => ({
  everyone: false,
  users: [],
  groups: [],
  roles: [],
  classification: null,
  ...overrides,
});

export const anonymous: AccessFilter = accessFilterFor({ kind: 'anonymous' }, DEFAULT_CLASSIFICATION_LEVELS);

export function userFilter(
  userId: string,
  options: { groups?: string[]; roles?: string[]; clearance?: string | null } = {},
): AccessFilter {
  return accessFilterFor(
    {
      kind: 'end_user',
      userId,
      groups: options.groups ?? [],
      roles: options.roles ?? [],
      clearance: options.clearance ?? null,
    },
    DEFAULT_CLASSIFICATION_LEVELS,
  );
}

export const vectorOf = (...values: number[]): Float32Array => Float32Array.from(values);

/** A one-chunk document whose chunk text is `<documentId>#0`. */
export function aDocument(
  collection: string,
  documentId: string,
  options: { rule?: AccessRule; vectors?: Float32Array[] } = {},
): IndexedDocument {
  const vectors = options.vectors ?? [vectorOf(1, 0, 0, 0)];
  return {
    collection,
    documentId,
    rule: options.rule ?? ruleOf({ everyone: true }),
    chunks: vectors.map((vector, index) => ({ index, text: `${documentId}#${index}`, vector })),
  };
}

let collectionCounter = 0;

/** A collection name no other test of this process uses, so that tests may share one index. */
export function freshCollectionName(prefix: string): string {
  collectionCounter += 1;
  return `${prefix}-${collectionCounter}`;
}
