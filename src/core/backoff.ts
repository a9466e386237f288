import type { RetryPolicy } from './route.js';

/** What to do after a retryable failure on one target. */
export type RetryDecision =
  | { kind: 'retry'; delayMs: number }
  | {
      kind: 'give_up';
      /** `attempts_exhausted`: the policy's attempts are spent; `retry_after_too_long`: the upstream asked for a
       * pause longer than `maxRetryAfterMs`, so the next target is tried instead of waiting. */
      reason: 'attempts_exhausted' | 'retry_after_too_long';
    };

export interface RetryDelayOptions {
  policy: RetryPolicy;
  /** Attempts already made on this target, the failed one included (1 after the first failure). */
  attempt: number;
  /** A float in [0, 1) from the Random port: the jitter. */
  fraction: number;
  /** The upstream's Retry-After (or retry-after-ms), when it sent one. */
  retryAfterMs?: number;
}

/**
 * Decides whether and when to try the same target again: exponential backoff with full jitter (a uniformly random
 * delay up to the capped exponential), so that many clients failing together do not retry together. A Retry-After
 * from the upstream replaces the backoff when it is within `maxRetryAfterMs`; beyond it, waiting would hold the
 * client longer than a fallback would, so the target is given up.
 * @example computeRetryDelay({ policy, attempt: 1, fraction: random.fraction() }) // { kind: 'retry', delayMs: 37 }
 */
export function computeRetryDelay(options: RetryDelayOptions): RetryDecision {
  const { policy, attempt, fraction, retryAfterMs } = options;
  if (attempt >= policy.maxAttempts) return { kind: 'give_up', reason: 'attempts_exhausted' };
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > policy.maxRetryAfterMs) return { kind: 'give_up', reason: 'retry_after_too_long' };
    return { kind: 'retry', delayMs: Math.max(0, retryAfterMs) };
  }
  const exponential = policy.initialDelayMs * policy.multiplier ** (attempt - 1);
  const ceiling = Math.min(policy.maxDelayMs, exponential);
  return { kind: 'retry', delayMs: Math.floor(fraction * ceiling) };
}
