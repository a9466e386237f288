/** The exponential backoff of the embedded queue's retries. */
export interface RetryBackoff {
  /** The delay after the first failed delivery. */
  baseMs: number;
  /** The delay never grows past this. */
  maxMs: number;
}

/**
 * How long a job waits after its `attempt`-th delivery failed: `baseMs`, doubled per further failure, capped at
 * `maxMs`. No jitter: one process claims the jobs of a file in order, so failures do not synchronise the way
 * independent clients do, and a deterministic delay keeps the queue's behaviour checkable against a model.
 * @example computeRetryDelayMs({ baseMs: 100, maxMs: 1000 }, 3) // 400
 */
export function computeRetryDelayMs(backoff: RetryBackoff, attempt: number): number {
  const exponent = Math.max(0, attempt - 1);
  // 2^31 and beyond would only ever be capped; stopping the exponent there keeps the product finite.
  return Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(exponent, 31));
}
