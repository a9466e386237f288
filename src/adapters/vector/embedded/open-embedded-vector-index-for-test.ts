import { DOCUMENTS_FORCING } from '../../../core/retrieval/documents-forcing.js';
import type { VectorIndex } from '../../../ports/vector-index.js';
import { openEmbeddedVectorIndex } from './open-embedded-vector-index.js';

/**
 * Zero thresholds send every search with an allowed chunk through the HNSW graph (`hnsw`), or through the checked
 * zone's trials (`checked`), even on a tiny collection.
 */
const FORCING = {
  auto: {},
  exact: { hnswMinChunks: Number.MAX_SAFE_INTEGER },
  hnsw: { hnswMinChunks: 0, exactMaxChunks: 0, checkedMaxChunks: 0 },
  checked: { hnswMinChunks: 0, exactMaxChunks: 0, checkedMaxChunks: Number.MAX_SAFE_INTEGER },
  documents: { hnswMinChunks: 0, ...DOCUMENTS_FORCING },
} as const;

/**
 * A private in-memory index for the contract suites, its planner left alone or forced down one path.
 * @example describeVectorIndex('embedded', openEmbeddedVectorIndexForTest);
 */
export async function openEmbeddedVectorIndexForTest(planner: keyof typeof FORCING): Promise<VectorIndex> {
  return openEmbeddedVectorIndex({ path: ':memory:', ...FORCING[planner] });
}
