import type { VectorIndex } from '../../../ports/vector-index.js';
import { openEmbeddedVectorIndex } from './open-embedded-vector-index.js';

/** Zero thresholds send every search with an allowed chunk through the HNSW graph, even on a tiny collection. */
const FORCING = {
  auto: {},
  exact: { hnswMinChunks: Number.MAX_SAFE_INTEGER },
  hnsw: { hnswMinChunks: 0, exactMaxChunks: 0 },
} as const;

/**
 * A private in-memory index for the contract suites, its planner left alone or forced down one path.
 * @example describeVectorIndex('embedded', openEmbeddedVectorIndexForTest);
 */
export async function openEmbeddedVectorIndexForTest(planner: keyof typeof FORCING): Promise<VectorIndex> {
  return openEmbeddedVectorIndex({ path: ':memory:', ...FORCING[planner] });
}
