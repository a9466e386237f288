import { SlipwayError } from '../core/errors.js';
import { estimatePercentile } from '../core/latency-histogram.js';
import { seriesBucketMsFor } from '../core/series-bucket.js';
import type { ApiKeyStore } from '../ports/api-key-store.js';
import type { Clock } from '../ports/clock.js';
import type { ProjectStore } from '../ports/project-store.js';
import type { StatsAggregate, StatsGroupBy, StatsStore } from '../ports/stats-store.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** The default range, and the longest one: a year and a day of points at one per day is still a small answer. */
const DEFAULT_RANGE_MS = DAY_MS;
const MAX_RANGE_MS = 366 * DAY_MS;

/** The figures of a set of interactions, as the admin API and the dashboard show them. */
export interface Stats {
  requests: number;
  errors: number;
  /** errors / requests; 0 when there were no requests. */
  errorRate: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  costUsd: number;
  /** Estimated from a histogram (within 15 %, or 1 ms); null when there was nothing to measure. */
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  ttftP50Ms: number | null;
  ttftP95Ms: number | null;
}

export interface OverviewQuery {
  /** ms; default `until` minus 24 hours. */
  since?: number;
  /** ms; default now. */
  until?: number;
  groupBy: StatsGroupBy;
  /** Only this project's interactions (the route passes the caller's own project for scoped callers). */
  projectId?: string;
}

export interface Overview {
  /** The range covered: whole minutes (a partial minute at either edge counts whole). */
  since: number;
  until: number;
  /** Width of each series point. */
  bucketMs: number;
  totals: Stats;
  /** Every bucket from the one holding `since` to the one holding `until - 1`, empty ones as zeros. */
  series: Array<{ start: number } & Stats>;
  /** Most requests first; `label` is the project's or key's name (the id when it no longer exists). */
  breakdown: Array<{ group: string; label: string } & Stats>;
}

export interface OverviewStatsDeps {
  store: StatsStore & Pick<ProjectStore, 'listProjects'> & Pick<ApiKeyStore, 'listApiKeys'>;
  clock: Clock;
}

/**
 * The overview statistics behind the dashboard's charts and `slipway stats`: totals, a time series and a
 * breakdown by model, project or key, from the per-minute rollups, whatever the size of the log.
 * @example const overview = await stats.overview({ groupBy: 'model' }); // the last 24 hours
 */
export function makeOverviewStats(deps: OverviewStatsDeps) {
  const { store, clock } = deps;

  async function labelsOf(groupBy: StatsGroupBy): Promise<Map<string, string>> {
    switch (groupBy) {
      case 'model':
        return new Map();
      case 'project':
        return new Map((await store.listProjects()).map((project) => [project.id, project.name]));
      case 'key':
        return new Map((await store.listApiKeys({})).map((key) => [key.id, key.name]));
    }
  }

  async function overview(query: OverviewQuery): Promise<Overview> {
    const until = query.until ?? clock.now();
    const since = query.since ?? until - DEFAULT_RANGE_MS;
    if (!Number.isSafeInteger(since) || !Number.isSafeInteger(until) || since < 0) {
      throw new SlipwayError('invalid_request', '`since` and `until` must be times in ms since the epoch', {
        param: 'since',
      });
    }
    if (until <= since) {
      throw new SlipwayError('invalid_request', '`until` must be after `since`', { param: 'until' });
    }
    if (until - since > MAX_RANGE_MS) {
      throw new SlipwayError('invalid_request', 'The range may span at most 366 days', { param: 'since' });
    }
    const bucketMs = seriesBucketMsFor(Math.ceil(until / MINUTE_MS) * MINUTE_MS - since);
    const [rollup, labels] = await Promise.all([
      store.statsRollup({
        since,
        until,
        bucketMs,
        groupBy: query.groupBy,
        ...(query.projectId === undefined ? {} : { projectId: query.projectId }),
      }),
      labelsOf(query.groupBy),
    ]);
    const byStart = new Map(rollup.series.map((point) => [point.start, point.stats]));
    const series: Overview['series'] = [];
    for (let start = rollup.since - (rollup.since % bucketMs); start < rollup.until; start += bucketMs) {
      const stats = byStart.get(start);
      series.push({ start, ...(stats === undefined ? EMPTY_STATS : statsOf(stats)) });
    }
    const breakdown = rollup.breakdown
      .map(({ group, stats }) => ({ group, label: labels.get(group) ?? group, ...statsOf(stats) }))
      .sort((left, right) => right.requests - left.requests || left.group.localeCompare(right.group));
    return {
      since: rollup.since,
      until: rollup.until,
      bucketMs,
      totals: statsOf(rollup.totals),
      series,
      breakdown,
    };
  }

  return { overview };
}

export type OverviewStats = ReturnType<typeof makeOverviewStats>;

const EMPTY_STATS: Stats = Object.freeze({
  requests: 0,
  errors: 0,
  errorRate: 0,
  promptTokens: 0,
  completionTokens: 0,
  totalTokens: 0,
  costUsd: 0,
  latencyP50Ms: null,
  latencyP95Ms: null,
  ttftP50Ms: null,
  ttftP95Ms: null,
});

/** Estimates carry a tenth of a millisecond at most: the histogram is not more precise than that. */
function roundedPercentile(counts: StatsAggregate['latencyBuckets'], quantile: number): number | null {
  const estimate = estimatePercentile(counts, quantile);
  return estimate === null ? null : Math.round(estimate * 10) / 10;
}

function statsOf(aggregate: StatsAggregate): Stats {
  return {
    requests: aggregate.requests,
    errors: aggregate.errors,
    errorRate: aggregate.requests === 0 ? 0 : aggregate.errors / aggregate.requests,
    promptTokens: aggregate.promptTokens,
    completionTokens: aggregate.completionTokens,
    totalTokens: aggregate.promptTokens + aggregate.completionTokens,
    // Float sums pick up noise in the last digits; nano-dollars are far below any price.
    costUsd: Math.round(aggregate.costUsd * 1e9) / 1e9,
    latencyP50Ms: roundedPercentile(aggregate.latencyBuckets, 0.5),
    latencyP95Ms: roundedPercentile(aggregate.latencyBuckets, 0.95),
    ttftP50Ms: roundedPercentile(aggregate.ttftBuckets, 0.5),
    ttftP95Ms: roundedPercentile(aggregate.ttftBuckets, 0.95),
  };
}
