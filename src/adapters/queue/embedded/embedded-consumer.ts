import { randomUUID } from 'node:crypto';
import { SlipwayError } from '../../../core/errors.js';
import type { Clock } from '../../../ports/clock.js';
import type { JobConsumer, JobHandler } from '../../../ports/job-queue.js';
import type { ClaimedJob, EmbeddedQueueStore } from './embedded-queue-store.js';
import type { RetryBackoff } from './embedded-retry-delay.js';
import { computeRetryDelayMs } from './embedded-retry-delay.js';

export interface EmbeddedConsumerOptions {
  store: EmbeddedQueueStore;
  name: string;
  handle: JobHandler;
  concurrency: number;
  leaseMs: number;
  pollIntervalMs: number;
  backoff: RetryBackoff;
  clock: Clock;
  /** Called once the consumer has closed, so that the queue forgets it. */
  onClosed: () => void;
}

interface InHand {
  claim: string;
  controller: AbortController;
}

/**
 * Claims the jobs of one name, at most `concurrency` at once, and runs the handler on each. It claims when woken
 * by an enqueue in this process, every `pollIntervalMs` (jobs enqueued by another process, retries coming due,
 * lapsed leases) and whenever a handler settles. While handlers run, their leases are renewed every third of
 * `leaseMs`; a lease that cannot be renewed (it lapsed and another delivery took the job) aborts its handler.
 */
export class EmbeddedConsumer implements JobConsumer {
  readonly #options: EmbeddedConsumerOptions;
  readonly #inHand = new Map<string, InHand>();
  readonly #running = new Set<Promise<void>>();
  readonly #poll: NodeJS.Timeout;
  readonly #heartbeat: NodeJS.Timeout;
  #wakeScheduled = false;
  #closing: Promise<void> | undefined;

  constructor(options: EmbeddedConsumerOptions) {
    this.#options = options;
    this.#poll = setInterval(() => this.#claim(), options.pollIntervalMs);
    this.#heartbeat = setInterval(() => this.#renew(), Math.max(1, Math.floor(options.leaseMs / 3)));
    this.wake();
  }

  /** Claims soon, after the current turn of the event loop (an enqueue in this process calls it). */
  wake(): void {
    if (this.#wakeScheduled || this.#closing !== undefined) return;
    this.#wakeScheduled = true;
    setImmediate(() => {
      this.#wakeScheduled = false;
      this.#claim();
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#drain();
    return this.#closing;
  }

  async #drain(): Promise<void> {
    clearInterval(this.#poll);
    const reason = new SlipwayError('internal_error', 'The job queue is closing', { retryable: true });
    for (const held of this.#inHand.values()) held.controller.abort(reason);
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
    clearInterval(this.#heartbeat);
    this.#options.onClosed();
  }

  #claim(): void {
    const { store, name, concurrency, leaseMs, clock } = this.#options;
    const room = concurrency - this.#inHand.size;
    if (this.#closing !== undefined || room <= 0) return;
    let jobs: ClaimedJob[];
    try {
      jobs = store.claim({ name, limit: room, now: clock.now(), leaseMs, newClaim: randomUUID });
    } catch {
      // A busy or closing file: the next poll tries again, and nothing was claimed.
      return;
    }
    for (const job of jobs) this.#start(job);
  }

  #start(job: ClaimedJob): void {
    const controller = new AbortController();
    this.#inHand.set(job.id, { claim: job.claim, controller });
    const run = this.#run(job, controller.signal).finally(() => {
      this.#inHand.delete(job.id);
      this.#running.delete(run);
      this.#claim();
    });
    this.#running.add(run);
  }

  async #run(job: ClaimedJob, signal: AbortSignal): Promise<void> {
    const { store, handle, clock, backoff } = this.#options;
    const delivery = {
      id: job.id,
      name: job.name,
      payload: JSON.parse(job.payload) as unknown,
      attempt: job.attempt,
      maxAttempts: job.maxAttempts,
      enqueuedAt: job.enqueuedAt,
    };
    let failure: { reason: string } | undefined;
    try {
      await handle(delivery, signal);
    } catch (error) {
      failure = { reason: error instanceof Error ? error.message : String(error) };
    }
    try {
      if (failure === undefined) store.acknowledge(job.id, job.claim);
      else if (this.#closing !== undefined && signal.aborted) store.release(job.id, job.claim);
      else {
        store.fail({
          id: job.id,
          claim: job.claim,
          reason: failure.reason,
          now: clock.now(),
          retryDelayMs: (attempt) => computeRetryDelayMs(backoff, attempt),
        });
      }
    } catch {
      // The file could not be written (it is closing, or busy past the timeout): the lease will lapse and the
      // job comes back, which at-least-once delivery allows.
    }
  }

  #renew(): void {
    if (this.#inHand.size === 0) return;
    const { store, clock, leaseMs } = this.#options;
    const claims = new Map([...this.#inHand].map(([id, held]) => [id, held.claim]));
    let lost: string[];
    try {
      lost = store.renew(claims, clock.now() + leaseMs);
    } catch {
      // Renewal failed this time; the lease still has two thirds of its term for the next beat.
      return;
    }
    for (const id of lost) {
      this.#inHand
        .get(id)
        ?.controller.abort(
          new SlipwayError('internal_error', `The lease on job ${id} was lost`, { retryable: true }),
        );
    }
  }
}
