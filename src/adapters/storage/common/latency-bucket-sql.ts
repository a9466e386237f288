import { LATENCY_BUCKET_BOUNDS } from '../../../core/latency-histogram.js';

/**
 * A SQL expression (the same text on SQLite and PostgreSQL) giving `latencyBucketOf(column)` of
 * src/core/latency-histogram.ts: nested CASEs that binary-search the bounds, so that a trigger pays about seven
 * comparisons per value rather than eighty. NULL maps to NULL. `column` is SQL text written by us, never input.
 * @example latencyBucketSql('new.latency_ms')
 */
export function latencyBucketSql(column: string): string {
  return `CASE WHEN ${column} IS NULL THEN NULL ELSE ${searchSql(column, 0, LATENCY_BUCKET_BOUNDS.length)} END`;
}

/** The bucket of `column`, known to lie in [low, high]. */
function searchSql(column: string, low: number, high: number): string {
  if (low === high) return String(low);
  const middle = (low + high) >> 1;
  return (
    `CASE WHEN ${column} <= ${LATENCY_BUCKET_BOUNDS[middle]} ` +
    `THEN ${searchSql(column, low, middle)} ELSE ${searchSql(column, middle + 1, high)} END`
  );
}
