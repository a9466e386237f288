/**
 * Fixed-bucket histograms of durations (latency, time to first token), so that percentiles can be kept in
 * per-minute rollups and merged by adding counts.
 *
 * Bucket i holds the values v with LATENCY_BUCKET_BOUNDS[i - 1] < v <= LATENCY_BUCKET_BOUNDS[i] (bucket 0 starts
 * at 0); the last bucket, index LATENCY_BUCKET_BOUNDS.length, holds everything above the last bound.
 */

/**
 * Upper bounds in ms: 1 ms steps up to 14 ms, then each bound the previous one times 1.15 (rounded down), up to
 * two minutes. So a bucket is at most max(1 ms, 15 % of its lower bound) wide, which bounds the error of an
 * estimated percentile. FROZEN: the rollup tables store bucket indexes, so changing this list would misread
 * every stored histogram; a new list needs a new migration that rebuilds them.
 */
export const LATENCY_BUCKET_BOUNDS: readonly number[] = Object.freeze([
  1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 18, 20, 23, 26, 29, 33, 37, 42, 48, 55, 63, 72, 82, 94,
  108, 124, 142, 163, 187, 215, 247, 284, 326, 374, 430, 494, 568, 653, 750, 862, 991, 1139, 1309, 1505, 1730,
  1989, 2287, 2630, 3024, 3477, 3998, 4597, 5286, 6078, 6989, 8037, 9242, 10628, 12222, 14055, 16163, 18587,
  21375, 24581, 28268, 32508, 37384, 42991, 49439, 56854, 65382, 75189, 86467, 99437, 114352, 120000,
]);

/** How many buckets a histogram has: one per bound, plus the overflow bucket. */
export const LATENCY_BUCKET_COUNT = LATENCY_BUCKET_BOUNDS.length + 1;

/**
 * The bucket a duration falls in (binary search over the bounds). Negative values count as 0.
 * @example latencyBucketOf(0) === 0; latencyBucketOf(15) === 14; latencyBucketOf(1e9) === LATENCY_BUCKET_BOUNDS.length
 */
export function latencyBucketOf(valueMs: number): number {
  let low = 0;
  let high = LATENCY_BUCKET_BOUNDS.length;
  // Invariant: the answer is in [low, high]; high is the overflow bucket.
  while (low < high) {
    const middle = (low + high) >> 1;
    if (valueMs <= (LATENCY_BUCKET_BOUNDS[middle] as number)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The range of values bucket `index` holds: (lower, upper]; upper is Infinity for the overflow bucket. */
export function latencyBucketRange(index: number): { lower: number; upper: number } {
  const lower = index === 0 ? 0 : (LATENCY_BUCKET_BOUNDS[index - 1] ?? Infinity);
  const upper = LATENCY_BUCKET_BOUNDS[index] ?? Infinity;
  return { lower, upper };
}

/** Counts by bucket index; absent buckets hold 0. */
export type BucketCounts = ReadonlyMap<number, number>;

/**
 * The `quantile` (0 < q <= 1) of the durations counted in `counts`, interpolated linearly within the bucket that
 * holds the nearest-rank value, so the estimate lies in the same bucket as the true value: off by at most the
 * bucket's width (max(1 ms, 15 %)). Values in the overflow bucket are reported as the last bound. Null when no
 * value was counted.
 * @example estimatePercentile(new Map([[latencyBucketOf(100), 10]]), 0.5) // between 94 and 108
 */
export function estimatePercentile(counts: BucketCounts, quantile: number): number | null {
  let total = 0;
  for (const count of counts.values()) total += count;
  if (total <= 0) return null;
  const rank = quantile * total;
  const indexes = [...counts.keys()].sort((left, right) => left - right);
  let below = 0;
  for (const index of indexes) {
    const count = counts.get(index) ?? 0;
    if (count <= 0) continue;
    if (below + count >= rank) {
      const { lower, upper } = latencyBucketRange(index);
      if (upper === Infinity) return lower;
      const within = Math.min(1, Math.max(0, (rank - below) / count));
      return lower + (upper - lower) * within;
    }
    below += count;
  }
  // Only reachable through rounding of `rank` above `total`: the largest counted value's bucket.
  const last = indexes[indexes.length - 1] as number;
  const { lower, upper } = latencyBucketRange(last);
  return upper === Infinity ? lower : upper;
}

/**
 * Adds `counts` into `into` (mutating it), the way histograms of several minutes or groups combine.
 * @example mergeBucketCounts(total, minute)
 */
export function mergeBucketCounts(into: Map<number, number>, counts: BucketCounts): void {
  for (const [index, count] of counts) into.set(index, (into.get(index) ?? 0) + count);
}
