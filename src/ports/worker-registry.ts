/** One worker process as it last reported itself. */
export interface WorkerHeartbeat {
  /** Chosen by the process at start; one row per process. */
  id: string;
  host: string;
  pid: number;
  startedAt: number;
  lastSeenAt: number;
  /** The job names it consumes. */
  jobNames: string[];
}

/**
 * Which worker processes are alive, as each one reports itself every few seconds. Shared by every process of an
 * installation through the store, so that any API process can tell how many workers there are.
 *
 * Contract: `recordWorkerHeartbeat` inserts the row of `id` or replaces it (idempotent); `listWorkers` returns
 * the workers last seen at or after `seenSince`, oldest start first (then id); `removeWorker` of an unknown id
 * does nothing; `removeWorkersSeenBefore` deletes the rows of processes that stopped without removing
 * themselves and returns how many.
 * @example await registry.recordWorkerHeartbeat({ id, host, pid, startedAt, lastSeenAt: now, jobNames });
 */
export interface WorkerRegistry {
  recordWorkerHeartbeat(heartbeat: WorkerHeartbeat): Promise<void>;
  listWorkers(query: { seenSince: number }): Promise<WorkerHeartbeat[]>;
  removeWorker(id: string): Promise<void>;
  removeWorkersSeenBefore(before: number): Promise<number>;
}
