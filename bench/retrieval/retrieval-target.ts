import type { AccessFilter } from '../../src/core/access/access-filter.js';
import type { ClusteredDataset } from './clustered-dataset.js';

/** One index measured by the bench (the embedded index today; pgvector and its plain-HNSW baseline next). */
export interface RetrievalTarget {
  name: string;
  /** Loads every document of the dataset, with its rule, and prepares any index (timed apart from searches). */
  load(dataset: ClusteredDataset): Promise<{ loadSeconds: number; prepareSeconds: number }>;
  /** Chunk keys `d<doc>#<chunk>`, best first, and the planner path the target took. */
  search(query: Float32Array, k: number, filter: AccessFilter): Promise<{ keys: string[]; path: string }>;
  close(): Promise<void>;
}
