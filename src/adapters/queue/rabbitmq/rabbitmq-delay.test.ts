import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseDelayTier, computeRetryBackoff, DELAY_TOLERANCE_MS } from './rabbitmq-delay.js';

describe('chooseDelayTier', () => {
  it('delivers at once what is due within the tolerance', () => {
    for (const remaining of [-1000, 0, DELAY_TOLERANCE_MS, Number.NaN])
      expect(chooseDelayTier(remaining)).toBeNull();
  });

  it('never parks a message longer than it still has to wait, beyond the shortest tier', () => {
    fc.assert(
      fc.property(fc.integer({ min: DELAY_TOLERANCE_MS + 1, max: 2 ** 40 }), (remaining) => {
        const tier = chooseDelayTier(remaining) as number;
        expect(Number.isInteger(Math.log2(tier))).toBe(true);
        expect(tier).toBeLessThanOrEqual(Math.max(8, remaining));
      }),
    );
  });

  it('reaches any delay in at most log2 hops, each a power of two', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000_000 }), (delay) => {
        let remaining = delay;
        let hops = 0;
        for (let tier = chooseDelayTier(remaining); tier !== null; tier = chooseDelayTier(remaining)) {
          remaining -= tier;
          hops += 1;
        }
        expect(remaining).toBeLessThanOrEqual(DELAY_TOLERANCE_MS);
        expect(remaining).toBeGreaterThan(-8);
        expect(hops).toBeLessThanOrEqual(Math.ceil(Math.log2(delay)) + 1);
      }),
    );
  });
});

describe('computeRetryBackoff', () => {
  it('doubles from the base and stops at the cap', () => {
    const backoff = { baseMs: 100, maxMs: 1000 };
    expect([1, 2, 3, 4, 5, 60].map((attempt) => computeRetryBackoff(attempt, backoff))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });
});
