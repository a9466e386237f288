import { randomUUID } from 'node:crypto';
import type { JobDelivery, JobQueue } from '../../src/ports/job-queue.js';

/** A queue opened for one test, and how to stress it. */
export interface JobQueueUnderTest {
  /** The queue as of now: `reopen` replaces it. */
  readonly queue: JobQueue;
  /** Closes the queue and opens another on the same storage (file or broker), then returns it. */
  reopen(): Promise<JobQueue>;
  /**
   * Makes every lease held right now lapse as if its holder had died: the embedded queue's rows are rewritten,
   * a broker connection is cut. The handlers holding them see their signal abort; their jobs are delivered again.
   */
  loseLeases(): Promise<void>;
  /** Closes the queue and removes what the test created. */
  close(): Promise<void>;
}

export interface JobQueueContractOptions {
  capabilities: {
    /** An id enqueued while a job with that id waits adds nothing (embedded); a broker may hold two copies. */
    dedupesIds: boolean;
    /** `stats().delayed` is counted rather than null. */
    reportsDelayed: boolean;
  };
  /**
   * The longest the queue may take to do something on its own: a retry after the opener's largest backoff, a
   * delivery after a lapsed lease, a poll. The opener picks small knobs so that this is well under a second.
   */
  settleMs: number;
}

/** A job name no other test uses, so that tests on a shared broker cannot see each other's jobs. */
export const aJobName = (label: string): string => `contract.${label}.${randomUUID().slice(0, 8)}`;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `check` returns true; rejects with `what` after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; what: string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${options.timeoutMs} ms waiting for ${options.what}`);
    await sleep(5);
  }
}

/** Resolves when `signal` aborts. */
export const abortOf = (signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

/** Every delivery a test handler saw, in order. */
export class DeliveryLog {
  readonly deliveries: JobDelivery[] = [];

  record(delivery: JobDelivery): void {
    this.deliveries.push(delivery);
  }

  ids(): string[] {
    return this.deliveries.map((delivery) => delivery.id);
  }

  countOf(id: string): number {
    return this.deliveries.filter((delivery) => delivery.id === id).length;
  }
}
