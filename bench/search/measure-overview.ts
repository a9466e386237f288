/**
 * Latency of the 24-hour overview statistics through the Store port (the per-minute rollups of migration 0006),
 * as the dashboard asks for them: every breakdown, for every project and for one project at a time.
 * The store must already hold the interactions (bench/search.ts seeds it); `now` is the end of the 24 hours.
 */
import { performance } from 'node:perf_hooks';
import { seriesBucketMsFor } from '../../src/core/series-bucket.js';
import type { StatsGroupBy } from '../../src/ports/stats-store.js';
import type { Store } from '../../src/ports/store.js';

const DAY_MS = 86_400_000;
const ROUNDS = 8;
const WARM_UP = 3;
const GROUPS: readonly StatsGroupBy[] = ['model', 'project', 'key'];

function percentile(sorted: readonly number[], quantile: number): number {
  return sorted[Math.max(0, Math.ceil(quantile * sorted.length) - 1)] ?? Number.NaN;
}

/**
 * Runs the overview query ROUNDS times for each breakdown, across all projects and each of up to three projects,
 * and reports the p50 and p95 of the wall time of one query.
 * @example const { p95Ms } = await measureOverview(store, { now: seededUntil });
 */
export async function measureOverview(
  store: Store,
  options: { now: number },
): Promise<{ p50Ms: number; p95Ms: number; samples: number }> {
  const until = options.now;
  const since = until - DAY_MS;
  const bucketMs = seriesBucketMsFor(DAY_MS);
  const projects = (await store.listProjects()).slice(0, 3).map((project) => project.id);
  const scopes: Array<string | undefined> = [undefined, ...projects];
  const queries = scopes.flatMap((projectId) =>
    GROUPS.map((groupBy) => ({
      since,
      until,
      bucketMs,
      groupBy,
      ...(projectId === undefined ? {} : { projectId }),
    })),
  );
  for (const query of queries.slice(0, WARM_UP)) await store.statsRollup(query);
  const durations: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const query of queries) {
      const started = performance.now();
      await store.statsRollup(query);
      durations.push(performance.now() - started);
    }
  }
  durations.sort((left, right) => left - right);
  const round2 = (value: number) => Math.round(value * 100) / 100;
  return {
    p50Ms: round2(percentile(durations, 0.5)),
    p95Ms: round2(percentile(durations, 0.95)),
    samples: durations.length,
  };
}
