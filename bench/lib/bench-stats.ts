/** Summary statistics of benchmark samples (latencies, rates, …). Percentiles interpolate between ranks. */

export interface Summary {
  count: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  p50: number;
  p95: number;
  p99: number;
}

export function mean(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  let total = 0;
  for (const sample of samples) total += sample;
  return total / samples.length;
}

/** The p-th percentile (0 ≤ p ≤ 100), interpolated linearly between the two nearest ranks. */
export function percentile(samples: readonly number[], p: number): number {
  return percentileOfSorted(sortedCopy(samples), p);
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = sortedCopy(samples);
  const p50 = percentileOfSorted(sorted, 50);
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    mean: mean(sorted),
    median: p50,
    p50,
    p95: percentileOfSorted(sorted, 95),
    p99: percentileOfSorted(sorted, 99),
  };
}

// A typed array sorts numerically (no comparator call per comparison), which matters for latency samples.
function sortedCopy(samples: readonly number[]): number[] {
  return Array.from(Float64Array.from(samples).sort());
}

function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const below = sorted[lower] as number;
  const above = sorted[upper] as number;
  return below + (above - below) * (rank - lower);
}
