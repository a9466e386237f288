import type { AccessFilter } from '../../src/core/access/access-filter.js';
import type { ClusteredDataset } from './clustered-dataset.js';

/**
 * Search settings the bench measures every scenario at, one point after another, so that a target's
 * recall/latency curve is recorded rather than one point of it.
 */
interface RetrievalSweep {
  /** The settings' names as the results show them, e.g. `hnsw.ef_search, hnsw.max_scan_tuples`. */
  setting: string;
  /** The points in increasing cost, each named by its values (e.g. `1000/40000`); the first is the target's own. */
  values: readonly string[];
  /** Makes later searches use the point named `value`. */
  apply(value: string): Promise<void>;
}

/** One index measured by the bench: the embedded index, the pgvector adapter and pgvector's plain-HNSW baseline. */
export interface RetrievalTarget {
  name: string;
  /**
   * Issue 6's p50 goal for this target, in ms: the embedded index's 5 ms. Absent for pgvector, whose latency is
   * judged against the baseline's curve (`versusBaseline`), and for the baseline itself.
   */
  latencyGoalMs?: number;
  /** True for the baseline: it is measured to be compared with, and has no goals of its own. */
  baseline?: boolean;
  /** Loads every document of the dataset, with its rule, and prepares any index (timed apart from searches). */
  load(dataset: ClusteredDataset): Promise<{ loadSeconds: number; prepareSeconds: number }>;
  /** Chunk keys `d<doc>#<chunk>`, best first, and the planner path the target took. */
  search(query: Float32Array, k: number, filter: AccessFilter): Promise<{ keys: string[]; path: string }>;
  /** Absent: the target is measured at its own settings only. */
  sweep?: RetrievalSweep;
  close(): Promise<void>;
}
