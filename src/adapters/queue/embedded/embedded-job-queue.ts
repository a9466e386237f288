import { SlipwayError } from '../../../core/errors.js';
import type { Clock } from '../../../ports/clock.js';
import type {
  ConsumeOptions,
  DeadLetter,
  JobConsumer,
  JobHandler,
  JobQueue,
  JobQueueStats,
  QueuedJob,
} from '../../../ports/job-queue.js';
import { JOB_CATALOG } from '../../../jobs/job-catalog.js';
import { EmbeddedConsumer } from './embedded-consumer.js';
import { EmbeddedQueueStore } from './embedded-queue-store.js';
import type { StoredJob } from './embedded-queue-store.js';
import type { RetryBackoff } from './embedded-retry-delay.js';

export interface EmbeddedJobQueueOptions {
  /** The queue's own SQLite file, created with its directory when missing (`:memory:` for a private one). */
  path: string;
  /** How long a delivery holds its job before another may take it, unless its handler's heartbeat renews it. */
  leaseMs: number;
  /** How often idle consumers look for jobs that another process enqueued or whose wait is over. */
  pollIntervalMs: number;
  /** Deliveries of a job that sets no `maxAttempts` before it is dead-lettered. */
  defaultMaxAttempts: number;
  backoff: RetryBackoff;
  /** The system clock by default; the times written to the file come from it. */
  clock?: Clock;
}

const systemClock: Clock = { now: () => Date.now() };

/**
 * Opens (creating if needed) the embedded job queue: durable in a SQLite file of its own, claimed with leases.
 * Open one queue per file per process; several processes may share a file.
 *
 * @example const queue = openEmbeddedJobQueue({ path: '.slipway/queue.sqlite', leaseMs: 30_000,
 *   pollIntervalMs: 250, defaultMaxAttempts: 5, backoff: { baseMs: 1_000, maxMs: 60_000 } });
 */
export function openEmbeddedJobQueue(options: EmbeddedJobQueueOptions): JobQueue {
  const settings = Object.freeze({ ...options, backoff: Object.freeze({ ...options.backoff }) });
  checkSettings(settings);
  return new EmbeddedJobQueue(settings);
}

function checkSettings(options: EmbeddedJobQueueOptions): void {
  const positive = {
    leaseMs: options.leaseMs,
    pollIntervalMs: options.pollIntervalMs,
    defaultMaxAttempts: options.defaultMaxAttempts,
    'backoff.maxMs': options.backoff.maxMs,
  };
  for (const [key, value] of Object.entries(positive)) {
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new SlipwayError('invalid_request', `${key} must be a positive integer`, { param: key });
    }
  }
  if (!Number.isSafeInteger(options.backoff.baseMs) || options.backoff.baseMs < 0) {
    throw new SlipwayError('invalid_request', 'backoff.baseMs must be an integer of at least 0', {
      param: 'backoff.baseMs',
    });
  }
}

class EmbeddedJobQueue implements JobQueue {
  readonly kind = 'embedded';
  readonly #options: Readonly<EmbeddedJobQueueOptions>;
  readonly #clock: Clock;
  readonly #store: EmbeddedQueueStore;
  /** Each running consumer and the job name it takes. */
  readonly #consumers = new Map<EmbeddedConsumer, string>();
  readonly #namesSeen = new Set<string>(Object.keys(JOB_CATALOG));
  #closing: Promise<void> | undefined;

  constructor(options: Readonly<EmbeddedJobQueueOptions>) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#store = new EmbeddedQueueStore(options.path);
  }

  enqueue(jobs: readonly QueuedJob[]): Promise<void> {
    try {
      this.#checkOpen();
      const now = this.#clock.now();
      const rows = jobs.map((job, index) => toStoredJob(job, { index, now, defaults: this.#options }));
      this.#store.enqueue(rows);
      const names = new Set(rows.map((row) => row.name));
      for (const name of names) this.#namesSeen.add(name);
      for (const [consumer, name] of this.#consumers) if (names.has(name)) consumer.wake();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  consume(name: string, handle: JobHandler, options: ConsumeOptions): Promise<JobConsumer> {
    if (this.#closing !== undefined) return Promise.reject(closedError());
    if (!Number.isSafeInteger(options.concurrency) || options.concurrency < 1) {
      return Promise.reject(
        new SlipwayError('invalid_request', 'concurrency must be a positive integer', {
          param: 'concurrency',
        }),
      );
    }
    this.#namesSeen.add(name);
    const consumer: EmbeddedConsumer = new EmbeddedConsumer({
      store: this.#store,
      name,
      handle,
      concurrency: options.concurrency,
      leaseMs: this.#options.leaseMs,
      pollIntervalMs: this.#options.pollIntervalMs,
      backoff: this.#options.backoff,
      clock: this.#clock,
      onClosed: () => this.#consumers.delete(consumer),
    });
    this.#consumers.set(consumer, name);
    return Promise.resolve(consumer);
  }

  stats(): Promise<JobQueueStats[]> {
    return this.#read(() => {
      const counted = new Map(this.#store.counts(this.#clock.now()).map((stats) => [stats.name, stats]));
      const names = [...new Set([...this.#namesSeen, ...counted.keys()])].sort();
      return names.map(
        (name) => counted.get(name) ?? { name, ready: 0, delayed: 0, inFlight: 0, deadLettered: 0 },
      );
    });
  }

  listDeadLetters(query: { name?: string; limit: number }): Promise<DeadLetter[]> {
    return this.#read(() => this.#store.deadLetters(query));
  }

  redrive(query: { name?: string; ids?: readonly string[] }): Promise<number> {
    return this.#read(() => {
      const count = this.#store.redrive({ ...query, now: this.#clock.now() });
      for (const [consumer, name] of this.#consumers) {
        if (query.name === undefined || name === query.name) consumer.wake();
      }
      return count;
    });
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await Promise.all([...this.#consumers.keys()].map((consumer) => consumer.close()));
      this.#store.close();
    })();
    return this.#closing;
  }

  #read<T>(work: () => T): Promise<T> {
    try {
      this.#checkOpen();
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  #checkOpen(): void {
    if (this.#closing !== undefined) throw closedError();
  }
}

const closedError = (): SlipwayError => new SlipwayError('internal_error', 'The job queue is closed');

function toStoredJob(
  job: QueuedJob,
  context: { index: number; now: number; defaults: Readonly<EmbeddedJobQueueOptions> },
): StoredJob {
  const param = `jobs[${context.index}]`;
  const invalid = (message: string): SlipwayError =>
    new SlipwayError('invalid_request', `${param}: ${message}`, { param });
  if (typeof job.id !== 'string' || job.id === '') throw invalid('id must be a non-empty string');
  if (typeof job.name !== 'string' || job.name === '') throw invalid('name must be a non-empty string');
  const maxAttempts = job.maxAttempts ?? context.defaults.defaultMaxAttempts;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw invalid('maxAttempts must be a positive integer');
  }
  if (job.notBefore !== undefined && !Number.isFinite(job.notBefore)) {
    throw invalid('notBefore must be a finite number of epoch milliseconds');
  }
  let payload: string | undefined;
  try {
    payload = JSON.stringify(job.payload);
  } catch (error) {
    throw new SlipwayError('invalid_request', `${param}: payload is not JSON-serialisable`, {
      param,
      cause: error,
    });
  }
  if (payload === undefined) throw invalid('payload is not JSON-serialisable');
  return {
    id: job.id,
    name: job.name,
    payload,
    maxAttempts,
    enqueuedAt: context.now,
    visibleAt: Math.max(context.now, Math.ceil(job.notBefore ?? context.now)),
  };
}
