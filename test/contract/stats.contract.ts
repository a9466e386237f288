import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InteractionRecord } from '../../src/core/interaction.js';
import { estimatePercentile, latencyBucketOf } from '../../src/core/latency-histogram.js';
import type { StatsAggregate, StatsGroupBy, StatsQuery } from '../../src/ports/stats-store.js';
import type { Store } from '../../src/ports/store.js';
import { anInteraction, MINUTE, T0 } from './store-fixtures.js';

const PROJECTS = ['prj_a', 'prj_b', 'prj_c'];
const MODELS = ['chat-fast', 'chat-smart', 'embed'];
const STATUSES = ['success', 'success', 'success', 'error', 'incomplete'] as const;

/** A deterministic spread of interactions over three hours: projects, keys, models, statuses and latencies. */
function someInteractions(count: number, prefix = 'int'): InteractionRecord[] {
  let seed = 42;
  const next = (bound: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed % bound;
  };
  return Array.from({ length: count }, (_, index) => {
    const projectIndex = next(PROJECTS.length);
    const promptTokens = next(2_000);
    const completionTokens = next(500);
    const streamed = next(3) === 0;
    return anInteraction({
      id: `${prefix}_${String(index).padStart(5, '0')}`,
      projectId: PROJECTS[projectIndex] as string,
      apiKeyId: `key_${projectIndex}_${next(2)}`,
      modelRequested: MODELS[next(MODELS.length)] as string,
      status: STATUSES[next(STATUSES.length)] as InteractionRecord['status'],
      startedAt: T0 + next(180 * MINUTE),
      promptTokens,
      completionTokens,
      totalTokens: promptTokens + completionTokens,
      costUsd: next(10_000) / 1_000_000,
      latencyMs: next(4) === 0 ? next(200_000) : 50 + next(3_000),
      ttftMs: streamed ? next(2_000) : null,
      stream: streamed,
    });
  });
}

interface Expected {
  requests: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
  costUsd: number;
  latencySumMs: number;
  ttftCount: number;
  ttftSumMs: number;
  latencyBuckets: Map<number, number>;
  ttftBuckets: Map<number, number>;
}

/** What the rollups should say about `records`, computed directly from them. */
function expectedOf(records: readonly InteractionRecord[]): Expected {
  const expected: Expected = {
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
  for (const record of records) {
    expected.requests += 1;
    if (record.status === 'error') expected.errors += 1;
    expected.promptTokens += record.promptTokens;
    expected.completionTokens += record.completionTokens;
    expected.costUsd += record.costUsd;
    expected.latencySumMs += record.latencyMs;
    const latencyBucket = latencyBucketOf(record.latencyMs);
    expected.latencyBuckets.set(latencyBucket, (expected.latencyBuckets.get(latencyBucket) ?? 0) + 1);
    if (record.ttftMs !== null) {
      expected.ttftCount += 1;
      expected.ttftSumMs += record.ttftMs;
      const ttftBucket = latencyBucketOf(record.ttftMs);
      expected.ttftBuckets.set(ttftBucket, (expected.ttftBuckets.get(ttftBucket) ?? 0) + 1);
    }
  }
  return expected;
}

function expectSame(actual: StatsAggregate, records: readonly InteractionRecord[]): void {
  const { costUsd, ...expected } = expectedOf(records);
  const { costUsd: actualCost, ...rest } = actual;
  expect(rest).toEqual(expected);
  // Sums of floating-point costs may differ in the last digits with the order of addition.
  expect(actualCost).toBeCloseTo(costUsd, 9);
}

/** The nearest-rank percentile of `values`. */
function nearestRank(values: readonly number[], quantile: number): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.max(0, Math.ceil(quantile * sorted.length) - 1)] as number;
}

function groupOf(record: InteractionRecord, groupBy: StatsGroupBy): string {
  switch (groupBy) {
    case 'model':
      return record.modelRequested;
    case 'project':
      return record.projectId;
    case 'key':
      return record.apiKeyId;
  }
}

const floorMinute = (time: number) => Math.floor(time / MINUTE) * MINUTE;
const ceilMinute = (time: number) => Math.ceil(time / MINUTE) * MINUTE;
const inRange = (since: number, until: number) => (record: InteractionRecord) =>
  record.startedAt >= floorMinute(since) && record.startedAt < ceilMinute(until);

/**
 * The StatsStore contract (src/ports/stats-store.ts): the per-minute rollups agree with the interactions
 * appended, whatever the write path. `open` must return a fresh, empty, migrated store each time.
 */
export function describeStatsContract(name: string, open: () => Promise<Store>): void {
  describe(`${name}: stats rollups`, () => {
    let store: Store;
    const records = someInteractions(600);
    const query = (overrides: Partial<StatsQuery> = {}) =>
      store.statsRollup({
        since: T0,
        until: T0 + 180 * MINUTE,
        bucketMs: 15 * MINUTE,
        groupBy: 'model',
        ...overrides,
      });

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
    });

    it('sums totals, series and breakdown exactly as the appended interactions do', async () => {
      // Several batches, as the log writer sends them.
      for (let offset = 0; offset < records.length; offset += 128) {
        await store.appendInteractions(records.slice(offset, offset + 128));
      }
      for (const groupBy of ['model', 'project', 'key'] as const) {
        const rollup = await query({ groupBy });
        expect(rollup).toMatchObject({ since: floorMinute(T0), until: ceilMinute(T0 + 180 * MINUTE) });
        expectSame(rollup.totals, records);
        const groups = new Set(records.map((record) => groupOf(record, groupBy)));
        expect(new Set(rollup.breakdown.map((entry) => entry.group))).toEqual(groups);
        for (const entry of rollup.breakdown) {
          expectSame(
            entry.stats,
            records.filter((record) => groupOf(record, groupBy) === entry.group),
          );
        }
      }
      const { series } = await query();
      const starts = series.map((point) => point.start);
      expect(starts).toEqual([...starts].sort((left, right) => left - right));
      expect(starts.every((start) => start % (15 * MINUTE) === 0)).toBe(true);
      for (const point of series) {
        expectSame(
          point.stats,
          records.filter(
            (record) => record.startedAt >= point.start && record.startedAt < point.start + 15 * MINUTE,
          ),
        );
      }
    });

    it('reads whole hours from the hourly rollups and the partial hours at the edges from the minutes', async () => {
      await store.appendInteractions(records);
      const since = T0 + 7 * MINUTE + 5_000;
      const until = T0 + 170 * MINUTE;
      const HOUR = 60 * MINUTE;
      for (const groupBy of ['model', 'key'] as const) {
        const rollup = await query({ since, until, bucketMs: HOUR, groupBy });
        const covered = records.filter(inRange(since, until));
        expectSame(rollup.totals, covered);
        for (const entry of rollup.breakdown) {
          expectSame(
            entry.stats,
            covered.filter((record) => groupOf(record, groupBy) === entry.group),
          );
        }
        expect(rollup.series.length).toBeGreaterThanOrEqual(3);
        for (const point of rollup.series) {
          expect(point.start % HOUR).toBe(0);
          expectSame(
            point.stats,
            covered.filter(
              (record) => record.startedAt >= point.start && record.startedAt < point.start + HOUR,
            ),
          );
        }
      }
    });

    it('estimates latency percentiles within the histogram error bound', async () => {
      await store.appendInteractions(records);
      const { totals } = await query();
      for (const quantile of [0.5, 0.95]) {
        const latency = nearestRank(
          records.map((record) => record.latencyMs),
          quantile,
        );
        const estimate = estimatePercentile(totals.latencyBuckets, quantile) as number;
        expect(Math.abs(estimate - Math.min(latency, 120_000))).toBeLessThanOrEqual(
          Math.max(1, 0.15 * Math.min(latency, 120_000)),
        );
      }
    });

    it('widens the range to whole minutes and counts only the minutes in it', async () => {
      await store.appendInteractions(records);
      const since = T0 + 30 * MINUTE + 12_345;
      const until = T0 + 95 * MINUTE + 1;
      const rollup = await query({ since, until, bucketMs: MINUTE });
      expect(rollup).toMatchObject({ since: floorMinute(since), until: ceilMinute(until) });
      expectSame(rollup.totals, records.filter(inRange(since, until)));
      expect(rollup.series.every((point) => point.start >= since - MINUTE && point.start < until)).toBe(true);
    });

    it('does not count a record appended again, in the same batch or a later one', async () => {
      const batch = records.slice(0, 50);
      await store.appendInteractions([...batch, ...batch.slice(0, 10)]);
      await store.appendInteractions(batch.slice(20, 40));
      await store.appendInteractions(records.slice(45, 60));
      expectSame((await query()).totals, records.slice(0, 60));
    });

    it('keeps concurrent appends to the same minutes exact', async () => {
      // Every batch touches the same rollup rows: on PostgreSQL, concurrent upserts in one key order.
      const batches = Array.from({ length: 8 }, (_, batch) =>
        someInteractions(150, `batch${batch}`).map((record) => ({
          ...record,
          startedAt: T0 + (record.startedAt % (3 * MINUTE)),
        })),
      );
      await Promise.all(batches.map((batch) => store.appendInteractions(batch)));
      expectSame((await query()).totals, batches.flat());
    });

    it('limits figures to one project, or one key', async () => {
      await store.appendInteractions(records);
      const project = await query({ projectId: 'prj_b', groupBy: 'key' });
      expectSame(
        project.totals,
        records.filter((record) => record.projectId === 'prj_b'),
      );
      expect(project.breakdown.map((entry) => entry.group).sort()).toEqual(['key_1_0', 'key_1_1']);
      const key = await query({ apiKeyId: 'key_2_1' });
      expectSame(
        key.totals,
        records.filter((record) => record.apiKeyId === 'key_2_1'),
      );
      const nobody = await query({ projectId: 'prj_none' });
      expect(nobody.totals.requests).toBe(0);
      expect(nobody.series).toEqual([]);
      expect(nobody.breakdown).toEqual([]);
    });

    it('refuses a bucket that is not whole minutes and an empty range', async () => {
      await expect(query({ bucketMs: 90_000 })).rejects.toMatchObject({ code: 'invalid_request' });
      await expect(query({ bucketMs: 0 })).rejects.toMatchObject({ code: 'invalid_request' });
      await expect(query({ since: T0, until: T0 })).rejects.toMatchObject({ code: 'invalid_request' });
    });
  });
}
