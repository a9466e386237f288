import type { BucketCounts } from '../core/latency-histogram.js';

/** What the overview breaks its figures down by: the requested model, the project or the API key. */
export type StatsGroupBy = 'model' | 'project' | 'key';

export interface StatsQuery {
  /** Start of the range (ms, inclusive). Widened down to the start of its minute. */
  since: number;
  /** End of the range (ms, exclusive). Widened up to the end of its minute. */
  until: number;
  /** Width of each series point (ms): a positive whole number of minutes. */
  bucketMs: number;
  groupBy: StatsGroupBy;
  /** Only this project's interactions. */
  projectId?: string;
  /** Only this key's interactions. */
  apiKeyId?: string;
}

/** Counts and sums of a set of interactions, with their latency and time-to-first-token histograms. */
export interface StatsAggregate {
  requests: number;
  /** Interactions whose status is `error` (`incomplete` ones, cut short by the client, are not errors). */
  errors: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  latencySumMs: number;
  /** Interactions that reported a time to first token (streams that produced one). */
  ttftCount: number;
  ttftSumMs: number;
  /** Counts by bucket of src/core/latency-histogram.ts; buckets absent hold 0. */
  latencyBuckets: BucketCounts;
  ttftBuckets: BucketCounts;
}

export interface StatsRollup {
  /** The range actually covered, in whole minutes: `since` floored, `until` ceiled to a minute. */
  since: number;
  until: number;
  /** Everything in the range. */
  totals: StatsAggregate;
  /**
   * One point per `bucketMs`-wide bucket that holds at least one interaction, oldest first. Buckets start at
   * multiples of `bucketMs` since the epoch, so the first and last may reach outside the range (only the range's
   * minutes are counted in them).
   */
  series: Array<{ start: number; stats: StatsAggregate }>;
  /** One entry per group (model name, project id or key id) with at least one interaction; no order. */
  breakdown: Array<{ group: string; stats: StatsAggregate }>;
}

/**
 * The interaction log summarised per minute (requests, errors, tokens, cost, latency and time-to-first-token
 * histograms), for dashboards over any range without reading every interaction.
 *
 * Contract:
 * - Figures count every interaction appended through `InteractionStore.appendInteractions` whose `startedAt`
 *   lies in the range's minutes, once: a record appended again is not counted again.
 * - Interactions later deleted from the log (retention, erasure) stay counted: the rollups hold no end-user data.
 * - `totals` equals the sum of `series` and the sum of `breakdown`.
 * - Throws `invalid_request` when `bucketMs` is not a positive whole number of minutes or `until <= since`.
 *
 * @example const rollup = await store.statsRollup({ since: now - 86_400_000, until: now, bucketMs: 3_600_000, groupBy: 'model' });
 */
export interface StatsStore {
  statsRollup(query: StatsQuery): Promise<StatsRollup>;
}
