/** How wide each point of a time series is, so that a chart of any range has at most 168 points. */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * Candidate widths, smallest first. Every one is a whole number of minutes (the rollups' grain) and divides a
 * UTC day, so that points aligned to multiples of the width start on round times. Nothing between 5 minutes and
 * an hour: from an hour up, whole hours are read from the hourly rollups, which is what keeps a day's overview
 * fast (60 times fewer rows than minutes).
 */
export const SERIES_BUCKET_SIZES_MS: readonly number[] = Object.freeze([
  MINUTE_MS,
  5 * MINUTE_MS,
  HOUR_MS,
  6 * HOUR_MS,
  DAY_MS,
]);

/** Points a chart should have at most: a week of hours. Only a range over 168 days gets more (one per day). */
export const MAX_SERIES_POINTS = 168;

/**
 * The smallest candidate width giving at most MAX_SERIES_POINTS points over `rangeMs`; a day for longer ranges.
 * @example seriesBucketMsFor(2 * 3_600_000) === 60_000; seriesBucketMsFor(86_400_000) === 3_600_000
 */
export function seriesBucketMsFor(rangeMs: number): number {
  for (const size of SERIES_BUCKET_SIZES_MS) {
    if (Math.ceil(rangeMs / size) <= MAX_SERIES_POINTS) return size;
  }
  return DAY_MS;
}
