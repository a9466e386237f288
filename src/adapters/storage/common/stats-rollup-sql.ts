import { latencyBucketSql } from './latency-bucket-sql.js';

/**
 * The two grains kept: minutes, for short ranges and the edges of long ones, and hours, so that a day's overview
 * reads 24 rows per key and model rather than 1,440 (and as many fewer histogram rows).
 */
export const ROLLUP_LEVELS = [
  { rollups: 'stats_minutes', histograms: 'stats_minute_histograms', start: 'minute_start', ms: 60_000 },
  { rollups: 'stats_hours', histograms: 'stats_hour_histograms', start: 'hour_start', ms: 3_600_000 },
] as const;

export type RollupLevel = (typeof ROLLUP_LEVELS)[number];

export const rollupKey = (level: RollupLevel) => `${level.start}, project_id, api_key_id, model_requested`;
export const histogramKey = (level: RollupLevel) => `${rollupKey(level)}, kind, bucket`;
export const ROLLUP_MEASURES = [
  'requests',
  'errors',
  'prompt_tokens',
  'completion_tokens',
  'cost_usd',
  'latency_sum_ms',
  'ttft_count',
  'ttft_sum_ms',
] as const;

export const periodOf = (startedAt: string, level: RollupLevel) =>
  `${startedAt} - ${startedAt} % ${level.ms}`;
export const addMeasuresSql = ROLLUP_MEASURES.map(
  (measure) => `${measure} = r.${measure} + excluded.${measure}`,
).join(', ');

/** Adds the rows of `source` (the log, or a trigger's transition table) into the level's rollups. */
export function rollupUpsertSql(source: string, level: RollupLevel): string {
  return `INSERT INTO ${level.rollups} AS r (${rollupKey(level)}, ${ROLLUP_MEASURES.join(', ')})
    SELECT ${periodOf('started_at', level)}, project_id, api_key_id, model_requested,
      count(*), count(*) FILTER (WHERE status = 'error'), sum(prompt_tokens), sum(completion_tokens),
      sum(cost_usd), sum(latency_ms), count(ttft_ms), coalesce(sum(ttft_ms), 0)
    FROM ${source} WHERE true
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (${rollupKey(level)}) DO UPDATE SET ${addMeasuresSql}`;
}

/** Adds the latency and time-to-first-token buckets of the rows of `source` into the level's histograms. */
export function histogramUpsertSql(source: string, level: RollupLevel): string {
  const key = `${periodOf('started_at', level)} AS ${level.start}, project_id, api_key_id, model_requested`;
  return `INSERT INTO ${level.histograms} AS h (${histogramKey(level)}, count)
    SELECT ${histogramKey(level)}, count(*) FROM (
      SELECT ${key}, 'latency' AS kind, ${latencyBucketSql('latency_ms')} AS bucket FROM ${source}
      UNION ALL
      SELECT ${key}, 'ttft' AS kind, ${latencyBucketSql('ttft_ms')} AS bucket FROM ${source}
        WHERE ttft_ms IS NOT NULL
    ) AS observed WHERE true
    GROUP BY ${histogramKey(level)} ORDER BY ${histogramKey(level)}
    ON CONFLICT (${histogramKey(level)}) DO UPDATE SET count = h.count + excluded.count`;
}
