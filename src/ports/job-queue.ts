/** A job to run later, somewhere: in this process (embedded queue) or in a worker process (RabbitMQ). */
export interface QueuedJob {
  /**
   * The job's idempotency key, chosen by the producer from what the job does (`batch-line:<batch>:<line>`), so
   * that a job enqueued twice (an outbox relay that published before crashing) has one effect: handlers key
   * their effect on it under a unique constraint. The embedded queue also stores an id only once.
   */
  id: string;
  /** A name from src/jobs/job-catalog.ts; each name has one payload schema. */
  name: string;
  /** JSON-serialisable; validated against the name's schema by the consumer (src/jobs). */
  payload: unknown;
  /** Not delivered before this instant (epoch ms). Absent: at once. */
  notBefore?: number;
  /** Deliveries before the job is dead-lettered; absent takes the queue's configured default. */
  maxAttempts?: number;
}

/** One delivery of a job to a handler. */
export interface JobDelivery {
  id: string;
  name: string;
  payload: unknown;
  /** 1 for the first delivery; a delivery after a crash or a failure counts too. */
  attempt: number;
  maxAttempts: number;
  enqueuedAt: number;
}

/**
 * Runs one delivery. Resolving acknowledges the job (after the handler has committed its effect); throwing
 * counts a failed attempt: the job comes back after a backoff, or is dead-lettered with the error's message as
 * its reason once `maxAttempts` deliveries have failed. `signal` aborts when the queue is closing or the job's
 * lease was lost; the handler should stop and throw. A delivery whose signal was aborted by its consumer's `close`
 * and whose handler then throws is given back without counting as a failed attempt: the job was not at fault.
 */
export type JobHandler = (delivery: JobDelivery, signal: AbortSignal) => Promise<void>;

export interface ConsumeOptions {
  /** Deliveries handled at once by this consumer (RabbitMQ prefetch; embedded claim width). */
  concurrency: number;
}

/** A running consumer. `close` stops taking deliveries and resolves once those in hand are settled. */
export interface JobConsumer {
  close(): Promise<void>;
}

/** Depth and health of the jobs of one name. */
export interface JobQueueStats {
  name: string;
  /** Waiting and deliverable now. */
  ready: number;
  /** Waiting for a retry backoff or a `notBefore`; null where the broker cannot tell (RabbitMQ). */
  delayed: number | null;
  /** Delivered and not yet acknowledged. */
  inFlight: number;
  deadLettered: number;
}

export interface DeadLetter {
  id: string;
  name: string;
  payload: unknown;
  attempts: number;
  /** The last failure's message. */
  reason: string;
  deadLetteredAt: number;
}

/**
 * The durable job queue. Delivery is at least once: a job can be delivered again after a crash, a lost lease or
 * a lost connection, so every handler is idempotent.
 *
 * Contract (test/contract/job-queue.contract.ts runs it on every adapter):
 * - `enqueue` resolves only once every job is durable (committed to disk, or confirmed by the broker); it
 *   rejects, naming the cause, if any is not. It does not wait for ever on a broker that cannot be reached: after
 *   a configured deadline (RabbitMQ: `publishTimeoutMs`) it rejects with a retryable `upstream_unavailable`. A
 *   rejected enqueue may still have queued some of its jobs (a confirm can come after the deadline), so the
 *   producer enqueues them again with the same ids and handlers dedupe. Jobs of one name are delivered in enqueue
 *   order when nothing fails.
 * - A job is acknowledged only after its handler resolves; a handler that throws or a process that dies before
 *   resolving leads to another delivery (after the lease or the connection expires).
 * - After `maxAttempts` failed deliveries the job is moved to the dead letters with its last reason; `redrive`
 *   puts dead letters back as new jobs (attempt 1) and returns how many.
 * - A delivery whose lease lapsed (its process died or stalled) counts as an attempt; the embedded queue
 *   dead-letters a job whose lease lapsed on its last allowed delivery, so a job that kills its worker stops.
 * - `close` stops consumers (waiting for handlers in hand) and releases connections; idempotent.
 * @example await queue.enqueue([{ id: `batch:${batch.id}`, name: 'batch.plan', payload: { batchId: batch.id } }]);
 */
export interface JobQueue {
  readonly kind: 'embedded' | 'rabbitmq';
  enqueue(jobs: readonly QueuedJob[]): Promise<void>;
  consume(name: string, handle: JobHandler, options: ConsumeOptions): Promise<JobConsumer>;
  /** One entry per known job name (every name in the catalog, plus any seen). */
  stats(): Promise<JobQueueStats[]>;
  /** Oldest dead letter first. */
  listDeadLetters(query: { name?: string; limit: number }): Promise<DeadLetter[]>;
  /** Re-enqueues the dead letters matching the query (all of a name, or the given ids). */
  redrive(query: { name?: string; ids?: readonly string[] }): Promise<number>;
  close(): Promise<void>;
}
