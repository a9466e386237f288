import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LATENCY_BUCKET_BOUNDS,
  LATENCY_BUCKET_COUNT,
  estimatePercentile,
  latencyBucketOf,
  latencyBucketRange,
  mergeBucketCounts,
} from './latency-histogram.js';

function countsOf(values: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const value of values)
    counts.set(latencyBucketOf(value), (counts.get(latencyBucketOf(value)) ?? 0) + 1);
  return counts;
}

/** The nearest-rank percentile: the smallest value with at least `quantile` of the values at or below it. */
function nearestRank(values: readonly number[], quantile: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.max(0, Math.ceil(quantile * sorted.length) - 1)] as number;
}

describe('latency histogram', () => {
  it('has strictly increasing bounds, each step at most max(1 ms, 15 %) of the previous bound', () => {
    for (let index = 1; index < LATENCY_BUCKET_BOUNDS.length; index++) {
      const previous = LATENCY_BUCKET_BOUNDS[index - 1] as number;
      const bound = LATENCY_BUCKET_BOUNDS[index] as number;
      expect(bound).toBeGreaterThan(previous);
      expect(bound - previous).toBeLessThanOrEqual(Math.max(1, 0.15 * previous));
    }
    expect(LATENCY_BUCKET_BOUNDS[0]).toBe(1);
    expect(LATENCY_BUCKET_BOUNDS.at(-1)).toBe(120_000);
    expect(LATENCY_BUCKET_COUNT).toBe(LATENCY_BUCKET_BOUNDS.length + 1);
  });

  it('puts values in the bucket whose range holds them, bounds inclusive', () => {
    expect(latencyBucketOf(-5)).toBe(0);
    expect(latencyBucketOf(0)).toBe(0);
    expect(latencyBucketOf(1)).toBe(0);
    expect(latencyBucketOf(2)).toBe(1);
    expect(latencyBucketOf(15)).toBe(14);
    expect(latencyBucketOf(16)).toBe(14);
    expect(latencyBucketOf(120_000)).toBe(LATENCY_BUCKET_BOUNDS.length - 1);
    expect(latencyBucketOf(120_001)).toBe(LATENCY_BUCKET_BOUNDS.length);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (value) => {
        const { lower, upper } = latencyBucketRange(latencyBucketOf(value));
        expect(value === 0 || value > lower).toBe(true);
        expect(value).toBeLessThanOrEqual(upper);
      }),
    );
  });

  it('estimates every percentile within the width of the bucket of the true value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 120_000 }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (values, quantile) => {
          const truth = nearestRank(values, quantile);
          const estimate = estimatePercentile(countsOf(values), quantile) as number;
          expect(Math.abs(estimate - truth)).toBeLessThanOrEqual(Math.max(1, 0.15 * truth) + 1e-9);
        },
      ),
    );
  });

  it('reports values above the last bound as the last bound, and nothing as null', () => {
    expect(estimatePercentile(countsOf([500_000, 600_000]), 0.95)).toBe(120_000);
    expect(estimatePercentile(new Map(), 0.5)).toBeNull();
    expect(estimatePercentile(new Map([[3, 0]]), 0.5)).toBeNull();
  });

  it('interpolates within a bucket by rank', () => {
    const index = latencyBucketOf(100);
    const { lower, upper } = latencyBucketRange(index);
    expect(estimatePercentile(new Map([[index, 4]]), 0.5)).toBeCloseTo(lower + (upper - lower) / 2);
    expect(estimatePercentile(new Map([[index, 4]]), 1)).toBe(upper);
  });

  it('merges histograms by adding counts, so merged percentiles equal those of the pooled values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 200_000 }), { minLength: 1, maxLength: 100 }),
        fc.array(fc.integer({ min: 0, max: 200_000 }), { maxLength: 100 }),
        (first, second) => {
          const merged = countsOf(first);
          mergeBucketCounts(merged, countsOf(second));
          expect(merged).toEqual(countsOf([...first, ...second]));
        },
      ),
    );
  });
});
