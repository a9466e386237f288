import { type Kysely, sql } from 'kysely';
import { SlipwayError } from '../../../core/errors.js';
import type {
  StatsAggregate,
  StatsGroupBy,
  StatsQuery,
  StatsRollup,
  StatsStore,
} from '../../../ports/stats-store.js';
import type { Database } from './database.js';

const MINUTE_MS = 60_000;

const GROUP_COLUMNS = {
  model: 'model_requested',
  project: 'project_id',
  key: 'api_key_id',
} as const satisfies Record<StatsGroupBy, string>;

const MINUTE = {
  rollups: 'stats_minutes',
  histograms: 'stats_minute_histograms',
  start: 'minute_start',
} as const;
const HOUR = { rollups: 'stats_hours', histograms: 'stats_hour_histograms', start: 'hour_start' } as const;
const HOUR_MS = 3_600_000;

type Level = typeof MINUTE | typeof HOUR;
type Tables = Level['rollups'] | Level['histograms'];

/** Which rollups cover which part of the range: hours where whole hours fit and the series allows it, minutes else. */
function partsOf(range: { since: number; until: number; bucketMs: number }) {
  const { since, until } = range;
  const firstHour = Math.ceil(since / HOUR_MS) * HOUR_MS;
  const lastHour = Math.floor(until / HOUR_MS) * HOUR_MS;
  if (range.bucketMs % HOUR_MS !== 0 || lastHour <= firstHour) return [{ level: MINUTE, since, until }];
  return [
    { level: MINUTE, since, until: firstHour },
    { level: HOUR, since: firstHour, until: lastHour },
    { level: MINUTE, since: lastHour, until },
  ].filter((part) => part.until > part.since);
}

interface Aggregate extends StatsAggregate {
  latencyBuckets: Map<number, number>;
  ttftBuckets: Map<number, number>;
}

/**
 * The StatsStore on the rollup tables of migration 0006. Whole hours of the range are read from the hourly
 * rollups when the series points are whole hours, the rest from the minute rollups. Each part is grouped by
 * series point and, separately, by breakdown group; the totals are added up from the series.
 */
export class KyselyStatsStore implements StatsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async statsRollup(query: StatsQuery): Promise<StatsRollup> {
    const { bucketMs } = query;
    if (!Number.isSafeInteger(bucketMs) || bucketMs <= 0 || bucketMs % MINUTE_MS !== 0) {
      throw new SlipwayError('invalid_request', 'The series bucket must be a whole number of minutes', {
        param: 'bucketMs',
      });
    }
    if (!(query.until > query.since)) {
      throw new SlipwayError('invalid_request', '`until` must be after `since`', { param: 'until' });
    }
    const since = Math.floor(query.since / MINUTE_MS) * MINUTE_MS;
    const until = Math.ceil(query.until / MINUTE_MS) * MINUTE_MS;
    type Part = { level: Level; since: number; until: number };
    // Series and breakdown are grouped by the database separately: grouping by both at once would hand back
    // about as many cells as there are rollup rows when there are many keys.
    const filtered = (part: Part, options: { table: Tables; by: 'series' | 'breakdown' }) => {
      const start = sql.ref(part.level.start);
      // A literal, not a parameter: PostgreSQL must see the same expression in SELECT and GROUP BY, and
      // bucketMs is a checked integer.
      const key =
        options.by === 'series'
          ? sql<string | number>`${start} - ${start} % ${sql.lit(bucketMs)}`
          : sql<string | number>`${sql.ref(GROUP_COLUMNS[query.groupBy])}`;
      let builder = this.db
        .selectFrom(options.table)
        .where(sql<boolean>`${start} >= ${part.since}`)
        .where(sql<boolean>`${start} < ${part.until}`);
      if (query.projectId !== undefined) builder = builder.where('project_id', '=', query.projectId);
      if (query.apiKeyId !== undefined) builder = builder.where('api_key_id', '=', query.apiKeyId);
      return builder.select(key.as('key')).groupBy(key);
    };
    const total = <Column extends string>(column: Column) => sql<number>`sum(${sql.ref(column)})`.as(column);
    const sumsBy = (part: Part, by: 'series' | 'breakdown') =>
      filtered(part, { table: part.level.rollups, by })
        .select([
          total('requests'),
          total('errors'),
          total('prompt_tokens'),
          total('completion_tokens'),
          total('cost_usd'),
          total('latency_sum_ms'),
          total('ttft_count'),
          total('ttft_sum_ms'),
        ])
        .execute();
    const bucketsBy = (part: Part, by: 'series' | 'breakdown') =>
      filtered(part, { table: part.level.histograms, by })
        .select(['kind', 'bucket', sql<number>`sum(count)`.as('count')])
        .groupBy(['kind', 'bucket'])
        .execute();
    const parts = partsOf({ since, until, bucketMs });
    const read = async (by: 'series' | 'breakdown') => {
      const [sums, buckets] = await Promise.all([
        Promise.all(parts.map((part) => sumsBy(part, by))),
        Promise.all(parts.map((part) => bucketsBy(part, by))),
      ]);
      return { sums: sums.flat(), buckets: buckets.flat() };
    };
    const [seriesRows, breakdownRows] = await Promise.all([read('series'), read('breakdown')]);

    const series = new Map<number, Aggregate>();
    const breakdown = new Map<string, Aggregate>();
    const totals = emptyAggregate();
    addRows(seriesRows, (key) => [entryOf(series, Number(key)), totals]);
    addRows(breakdownRows, (key) => [entryOf(breakdown, String(key))]);
    return {
      since,
      until,
      totals,
      series: [...series]
        .map(([seriesStart, stats]) => ({ start: seriesStart, stats }))
        .sort((left, right) => left.start - right.start),
      breakdown: [...breakdown].map(([key, stats]) => ({ group: key, stats })),
    };
  }
}

interface SumsRow {
  key: unknown;
  requests: unknown;
  errors: unknown;
  prompt_tokens: unknown;
  completion_tokens: unknown;
  cost_usd: unknown;
  latency_sum_ms: unknown;
  ttft_count: unknown;
  ttft_sum_ms: unknown;
}

interface BucketsRow {
  key: unknown;
  kind: string;
  bucket: unknown;
  count: unknown;
}

/** Adds each row into the aggregates `cellsOf` its key names. */
function addRows(
  rows: { sums: readonly SumsRow[]; buckets: readonly BucketsRow[] },
  cellsOf: (key: unknown) => Aggregate[],
): void {
  // PostgreSQL sums BIGINT into NUMERIC, which node-postgres hands back as text: every figure goes through Number.
  for (const row of rows.sums) {
    for (const cell of cellsOf(row.key)) {
      cell.requests += Number(row.requests);
      cell.errors += Number(row.errors);
      cell.promptTokens += Number(row.prompt_tokens);
      cell.completionTokens += Number(row.completion_tokens);
      cell.costUsd += Number(row.cost_usd);
      cell.latencySumMs += Number(row.latency_sum_ms);
      cell.ttftCount += Number(row.ttft_count);
      cell.ttftSumMs += Number(row.ttft_sum_ms);
    }
  }
  for (const row of rows.buckets) {
    const bucket = Number(row.bucket);
    const count = Number(row.count);
    for (const cell of cellsOf(row.key)) {
      const counts = row.kind === 'ttft' ? cell.ttftBuckets : cell.latencyBuckets;
      counts.set(bucket, (counts.get(bucket) ?? 0) + count);
    }
  }
}

function entryOf<Key>(map: Map<Key, Aggregate>, key: Key): Aggregate {
  let entry = map.get(key);
  if (entry === undefined) {
    entry = emptyAggregate();
    map.set(key, entry);
  }
  return entry;
}

function emptyAggregate(): Aggregate {
  return {
    requests: 0,
    errors: 0,
    promptTokens: 0,
    completionTokens: 0,
    costUsd: 0,
    latencySumMs: 0,
    ttftCount: 0,
    ttftSumMs: 0,
    latencyBuckets: new Map(),
    ttftBuckets: new Map(),
  };
}
