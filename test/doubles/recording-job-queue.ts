import type {
  ConsumeOptions,
  DeadLetter,
  JobDelivery,
  JobHandler,
  JobQueue,
  JobQueueStats,
  QueuedJob,
} from '../../src/ports/job-queue.js';

/**
 * A JobQueue double: records consumers (with their options) and enqueued jobs, and lets a test hand a delivery
 * to a consumer with `deliver`, which settles as the handler did. Stats, dead letters and redrive return what
 * the test put in `statsToReturn` / `deadLetters`.
 */
export class RecordingJobQueue implements JobQueue {
  readonly kind = 'embedded' as const;
  readonly enqueued: QueuedJob[] = [];
  readonly consumers = new Map<string, { handle: JobHandler; options: ConsumeOptions; closed: boolean }>();
  readonly redriveCalls: Array<{ name?: string; ids?: readonly string[] }> = [];
  statsToReturn: JobQueueStats[] = [];
  deadLetters: DeadLetter[] = [];
  closed = false;

  enqueue(jobs: readonly QueuedJob[]): Promise<void> {
    this.enqueued.push(...jobs);
    return Promise.resolve();
  }

  consume(name: string, handle: JobHandler, options: ConsumeOptions) {
    const consumer = { handle, options, closed: false };
    this.consumers.set(name, consumer);
    return Promise.resolve({
      close: () => {
        consumer.closed = true;
        return Promise.resolve();
      },
    });
  }

  /** Runs the consumer of `name` on one delivery; rejects as the handler does. */
  deliver(name: string, delivery: Partial<JobDelivery> & { payload: unknown }): Promise<void> {
    const consumer = this.consumers.get(name);
    if (consumer === undefined || consumer.closed) throw new Error(`no open consumer for ${name}`);
    return consumer.handle(
      { id: 'job_1', name, attempt: 1, maxAttempts: 3, enqueuedAt: 0, ...delivery },
      new AbortController().signal,
    );
  }

  stats(): Promise<JobQueueStats[]> {
    return Promise.resolve(this.statsToReturn);
  }

  listDeadLetters(query: { name?: string; limit: number }): Promise<DeadLetter[]> {
    return Promise.resolve(
      this.deadLetters
        .filter((letter) => query.name === undefined || letter.name === query.name)
        .slice(0, query.limit),
    );
  }

  redrive(query: { name?: string; ids?: readonly string[] }): Promise<number> {
    this.redriveCalls.push(query);
    return Promise.resolve(this.deadLetters.length);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
