import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeRetryDelay } from './backoff.js';
import type { RetryPolicy } from './route.js';

const policy: RetryPolicy = {
  maxAttempts: 4,
  initialDelayMs: 100,
  maxDelayMs: 1000,
  multiplier: 2,
  maxRetryAfterMs: 5000,
};

describe('computeRetryDelay', () => {
  it('grows exponentially and scales by the jitter fraction (full jitter)', () => {
    expect(computeRetryDelay({ policy, attempt: 1, fraction: 0.5 })).toEqual({ kind: 'retry', delayMs: 50 });
    expect(computeRetryDelay({ policy, attempt: 2, fraction: 0.5 })).toEqual({ kind: 'retry', delayMs: 100 });
    expect(computeRetryDelay({ policy, attempt: 3, fraction: 0.5 })).toEqual({ kind: 'retry', delayMs: 200 });
    expect(computeRetryDelay({ policy, attempt: 1, fraction: 0 })).toEqual({ kind: 'retry', delayMs: 0 });
  });

  it('caps the exponential at maxDelayMs', () => {
    const wide = { ...policy, maxAttempts: 20 };
    expect(computeRetryDelay({ policy: wide, attempt: 10, fraction: 0.999 })).toEqual({
      kind: 'retry',
      delayMs: 999,
    });
  });

  it('stays within [0, min(maxDelayMs, initial * multiplier^(attempt-1))) for any fraction', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, fraction) => {
          const decision = computeRetryDelay({ policy: { ...policy, maxAttempts: 31 }, attempt, fraction });
          if (decision.kind !== 'retry') throw new Error('expected a retry');
          const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
          return decision.delayMs >= 0 && decision.delayMs < Math.max(ceiling, 1);
        },
      ),
    );
  });

  it('gives up once the attempts are spent', () => {
    expect(computeRetryDelay({ policy, attempt: 4, fraction: 0.5 })).toEqual({
      kind: 'give_up',
      reason: 'attempts_exhausted',
    });
  });

  it('waits exactly the Retry-After when it is within the cap, whatever the jitter', () => {
    expect(computeRetryDelay({ policy, attempt: 1, fraction: 0.9, retryAfterMs: 3000 })).toEqual({
      kind: 'retry',
      delayMs: 3000,
    });
    expect(computeRetryDelay({ policy, attempt: 1, fraction: 0.9, retryAfterMs: 5000 })).toEqual({
      kind: 'retry',
      delayMs: 5000,
    });
  });

  it('gives up on the target when the Retry-After exceeds maxRetryAfterMs', () => {
    expect(computeRetryDelay({ policy, attempt: 1, fraction: 0.5, retryAfterMs: 5001 })).toEqual({
      kind: 'give_up',
      reason: 'retry_after_too_long',
    });
  });
});
