import type { Clock } from '../ports/clock.js';
import type { JobOutbox } from '../ports/job-outbox.js';
import type { JobQueue } from '../ports/job-queue.js';

export interface OutboxRelayOptions {
  outbox: JobOutbox;
  queue: Pick<JobQueue, 'enqueue'>;
  clock: Clock;
  /** The pause after a pass that found fewer than `batchSize` jobs; a full pass is followed by another at once. */
  intervalMs: number;
  /** Jobs read, published and marked per pass. */
  batchSize: number;
  /** Published jobs are purged once they are this old; absent keeps them. */
  retainPublishedMs?: number;
  logError(message: string, error: unknown): void;
}

export interface OutboxRelay {
  /** Publishes one batch of unpublished jobs, or joins the pass already running; resolves to the count published. */
  relayOnce(): Promise<number>;
  /** Starts relaying: a pass at once, then one `intervalMs` after each pass that emptied the outbox. */
  start(): void;
  /** Stops: no pass starts after this, and a running one finishes. Idempotent. */
  close(): Promise<void>;
}

/**
 * The outbox relay: moves jobs that API writes committed to the outbox (src/ports/job-outbox.ts) onto the queue.
 * Each pass enqueues a batch, and only once the queue holds them durably marks them published; a crash in between
 * publishes them again on the next pass, which is safe because a job's id is its idempotency key. Failures are
 * logged and retried on the next pass; `relayOnce` itself rejects so that a caller can report them.
 *
 * @example const relay = makeOutboxRelay({ outbox: store, queue, clock, intervalMs: 200, batchSize: 500, logError });
 *   relay.start();
 */
export function makeOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { outbox, queue, clock, intervalMs, batchSize, retainPublishedMs, logError } = options;
  let running: Promise<number> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let started = false;
  let closed = false;

  async function pass(): Promise<number> {
    const jobs = await outbox.claimUnpublished(batchSize);
    if (jobs.length > 0) {
      await queue.enqueue(jobs.map(({ createdAt: _createdAt, ...job }) => job));
      await outbox.markPublished(
        jobs.map((job) => job.id),
        clock.now(),
      );
    } else if (retainPublishedMs !== undefined) {
      // Purged when idle, so that the delete never competes with a backlog being relayed.
      await outbox.purgePublished(clock.now() - retainPublishedMs);
    }
    return jobs.length;
  }

  function relayOnce(): Promise<number> {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  }

  function schedule(delayMs: number): void {
    if (closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      relayOnce().then(
        (count) => schedule(count >= batchSize ? 0 : intervalMs),
        (error: unknown) => {
          logError('The outbox relay failed; it tries again', error);
          schedule(intervalMs);
        },
      );
    }, delayMs);
  }

  return {
    relayOnce,
    start() {
      if (started || closed) return;
      started = true;
      schedule(0);
    },
    async close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      await running?.catch(() => undefined);
    },
  };
}
