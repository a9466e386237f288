import { SlipwayError } from './errors.js';
import { measureOfCounter } from './limit-charges.js';

export interface LimitExceededDetails {
  /** The counter that would have gone over, e.g. `key:key_1:rpm`. */
  counter: string;
  limit: number;
  used: number;
  /** End of the counter's window (ms). */
  windowEnd: number;
  /** The current time (ms), to compute how long the caller should wait. */
  now: number;
}

/**
 * A request refused by a rate limit (`rate_limited`) or a budget (`budget_exceeded`) before any upstream call.
 * `retryAfterMs` is the time left in the counter's window, for the Retry-After header.
 * @example throw new LimitExceededError({ counter: 'key:key_1:rpm', limit: 60, used: 60, windowEnd, now });
 */
export class LimitExceededError extends SlipwayError {
  readonly counter: string;
  readonly limit: number;
  readonly used: number;
  readonly windowEnd: number;

  constructor(details: LimitExceededDetails) {
    const measure = measureOfCounter(details.counter);
    const isSpend = measure === 'spend-day' || measure === 'spend-month';
    const retryAfterMs = Math.max(0, details.windowEnd - details.now);
    const amount = isSpend
      ? `$${(details.used / 1_000_000).toFixed(6)} of $${(details.limit / 1_000_000).toFixed(6)}`
      : `${details.used} of ${details.limit}`;
    super(
      isSpend ? 'budget_exceeded' : 'rate_limited',
      `Limit ${details.counter} reached (${amount} used); try again in ${Math.ceil(retryAfterMs / 1000)} s`,
      { retryAfterMs },
    );
    this.name = 'LimitExceededError';
    this.counter = details.counter;
    this.limit = details.limit;
    this.used = details.used;
    this.windowEnd = details.windowEnd;
  }
}
