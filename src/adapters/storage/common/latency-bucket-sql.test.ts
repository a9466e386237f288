import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LATENCY_BUCKET_BOUNDS, latencyBucketOf } from '../../../core/latency-histogram.js';
import { latencyBucketSql } from './latency-bucket-sql.js';

describe('latencyBucketSql', () => {
  const database = new BetterSqlite3(':memory:');
  const bucketOf = database.prepare<[number | null], { bucket: number | null }>(
    `select ${latencyBucketSql('v')} as bucket from (select ? as v)`,
  );
  afterAll(() => database.close());

  it('computes in SQL the bucket the core computes, bounds and overflow included', () => {
    const edges = LATENCY_BUCKET_BOUNDS.flatMap((bound) => [bound - 1, bound, bound + 1]);
    for (const value of [0, ...edges, 10_000_000]) {
      expect(bucketOf.get(value)?.bucket, `value ${value}`).toBe(latencyBucketOf(value));
    }
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (value) => {
        expect(bucketOf.get(value)?.bucket).toBe(latencyBucketOf(value));
      }),
    );
  });

  it('maps NULL to NULL', () => {
    expect(bucketOf.get(null)?.bucket).toBeNull();
  });
});
