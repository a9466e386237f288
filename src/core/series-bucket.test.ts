import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SERIES_POINTS, SERIES_BUCKET_SIZES_MS, seriesBucketMsFor } from './series-bucket.js';

const HOUR_MS = 3_600_000;

describe('seriesBucketMsFor', () => {
  it('picks a minute up to two hours, 5 minutes up to 14 hours, an hour for a day and a week', () => {
    expect(seriesBucketMsFor(1)).toBe(60_000);
    expect(seriesBucketMsFor(2 * HOUR_MS)).toBe(60_000);
    expect(seriesBucketMsFor(6 * HOUR_MS)).toBe(5 * 60_000);
    expect(seriesBucketMsFor(24 * HOUR_MS)).toBe(HOUR_MS);
    expect(seriesBucketMsFor(7 * 24 * HOUR_MS)).toBe(HOUR_MS);
    expect(seriesBucketMsFor(30 * 24 * HOUR_MS)).toBe(6 * HOUR_MS);
    expect(seriesBucketMsFor(10_000 * 24 * HOUR_MS)).toBe(24 * HOUR_MS);
  });

  it('gives at most 168 points up to 168 days, in whole minutes that divide a day', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 168 * 24 * HOUR_MS }), (range) => {
        const size = seriesBucketMsFor(range);
        expect(Math.ceil(range / size)).toBeLessThanOrEqual(MAX_SERIES_POINTS);
        expect(size % 60_000).toBe(0);
        expect((24 * HOUR_MS) % size).toBe(0);
        // The smallest that fits: the next smaller candidate would give too many points.
        const smaller = SERIES_BUCKET_SIZES_MS.filter((candidate) => candidate < size).at(-1);
        if (smaller !== undefined) expect(Math.ceil(range / smaller)).toBeGreaterThan(MAX_SERIES_POINTS);
      }),
    );
  });
});
