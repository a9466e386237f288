import type { AccessFilter } from '../../src/core/access/access-filter.js';
import type { ClusteredDataset } from './clustered-dataset.js';

/**
 * A search setting the bench measures every scenario at, one value after another, so that a target's
 * recall/latency curve is recorded rather than one point of it.
 */
interface RetrievalSweep {
  /** The setting's name as the results show it, e.g. `hnsw.ef_search`. */
  setting: string;
  /** The values in increasing cost; the first is the target's own, which its plain figures are measured at. */
  values: readonly number[];
  /** Makes later searches use `value`. */
  apply(value: number): Promise<void>;
}

/** One index measured by the bench: the embedded index, the pgvector adapter and pgvector's plain-HNSW baseline. */
export interface RetrievalTarget {
  name: string;
  /** Loads every document of the dataset, with its rule, and prepares any index (timed apart from searches). */
  load(dataset: ClusteredDataset): Promise<{ loadSeconds: number; prepareSeconds: number }>;
  /** Chunk keys `d<doc>#<chunk>`, best first, and the planner path the target took. */
  search(query: Float32Array, k: number, filter: AccessFilter): Promise<{ keys: string[]; path: string }>;
  /** Absent: the target is measured at its own settings only. */
  sweep?: RetrievalSweep;
  close(): Promise<void>;
}
