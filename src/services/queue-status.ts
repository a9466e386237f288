import type { Clock } from '../ports/clock.js';
import type { DeadLetter, JobQueue, JobQueueStats } from '../ports/job-queue.js';
import type { WorkerHeartbeat, WorkerRegistry } from '../ports/worker-registry.js';

/** The queue as operators see it: depth per job name, and the worker processes alive now. */
export interface QueueStatusReport {
  kind: JobQueue['kind'];
  jobs: JobQueueStats[];
  workers: WorkerHeartbeat[];
}

export interface QueueStatus {
  status(): Promise<QueueStatusReport>;
  /** Newest first as the queue lists them; `limit` is 1..500. */
  listDeadLetters(query: { name?: string; limit: number }): Promise<DeadLetter[]>;
}

/**
 * Reads the queue's depth, its dead letters and the live workers. A worker is live while its last heartbeat is
 * within three heartbeat periods: one late beat (a busy event loop, a slow store) does not make it vanish.
 * @example const { jobs, workers } = await makeQueueStatus({ queue, workers: store, clock, heartbeatMs }).status();
 */
export function makeQueueStatus(deps: {
  queue: Pick<JobQueue, 'kind' | 'stats' | 'listDeadLetters'>;
  workers: Pick<WorkerRegistry, 'listWorkers'>;
  clock: Clock;
  heartbeatMs: number;
}): QueueStatus {
  return {
    async status() {
      const [jobs, workers] = await Promise.all([
        deps.queue.stats(),
        deps.workers.listWorkers({ seenSince: deps.clock.now() - 3 * deps.heartbeatMs }),
      ]);
      return { kind: deps.queue.kind, jobs, workers };
    },
    listDeadLetters: (query) => deps.queue.listDeadLetters(query),
  };
}
