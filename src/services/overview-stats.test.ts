import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anApiKey, anInteraction, aProject } from '../../test/contract/store-fixtures.js';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import { openSqliteStore } from '../adapters/storage/sqlite/index.js';
import type { Store } from '../ports/store.js';
import { makeOverviewStats } from './overview-stats.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2025, 0, 15, 12, 7, 30);

let store: Store;
let clock: ManualClock;
let stats: ReturnType<typeof makeOverviewStats>;

beforeEach(async () => {
  store = await openSqliteStore({ path: ':memory:' });
  clock = new ManualClock(NOW);
  stats = makeOverviewStats({ store, clock });
  await store.createProject(aProject({ id: 'prj_1', name: 'shop' }));
  await store.insertApiKey(anApiKey({ id: 'key_1', name: 'checkout' }));
  await store.appendInteractions([
    anInteraction({ id: 'a', startedAt: NOW - 2 * HOUR, latencyMs: 100, ttftMs: 20, costUsd: 0.25 }),
    anInteraction({ id: 'b', startedAt: NOW - 2 * HOUR + 1, latencyMs: 300, status: 'error', costUsd: 0.5 }),
    anInteraction({ id: 'c', startedAt: NOW - 30 * HOUR, latencyMs: 100 }),
  ]);
});

afterEach(async () => {
  await store.close();
});

describe('overview statistics', () => {
  it('covers the last 24 hours by default, in hourly points with empty ones as zeros', async () => {
    const overview = await stats.overview({ groupBy: 'model' });
    expect(overview.since).toBe(NOW - 24 * HOUR - 30_000);
    expect(overview.until).toBe(NOW + 30_000);
    expect(overview.bucketMs).toBe(HOUR);
    expect(overview.series).toHaveLength(25);
    expect(overview.series.every((point) => point.start % overview.bucketMs === 0)).toBe(true);
    expect(overview.totals).toMatchObject({ requests: 2, errors: 1, errorRate: 0.5, costUsd: 0.75 });
    expect(overview.totals.latencyP50Ms as number).toBeGreaterThanOrEqual(94);
    expect(overview.totals.latencyP50Ms as number).toBeLessThanOrEqual(108);
    expect(overview.totals.ttftP95Ms).not.toBeNull();
    const busy = overview.series.filter((point) => point.requests > 0);
    expect(busy).toHaveLength(1);
    expect(overview.series.find((point) => point.requests === 0)).toMatchObject({
      errorRate: 0,
      latencyP50Ms: null,
      ttftP95Ms: null,
    });
  });

  it('labels projects and keys by name, most requests first', async () => {
    await store.appendInteractions([
      anInteraction({ id: 'd', projectId: 'prj_gone', apiKeyId: 'key_gone', startedAt: NOW - HOUR }),
      anInteraction({ id: 'e', projectId: 'prj_gone', apiKeyId: 'key_gone', startedAt: NOW - HOUR }),
      anInteraction({ id: 'f', projectId: 'prj_gone', apiKeyId: 'key_gone', startedAt: NOW - HOUR }),
    ]);
    const byProject = await stats.overview({ groupBy: 'project' });
    expect(byProject.breakdown.map(({ group, label, requests }) => ({ group, label, requests }))).toEqual([
      { group: 'prj_gone', label: 'prj_gone', requests: 3 },
      { group: 'prj_1', label: 'shop', requests: 2 },
    ]);
    const byKey = await stats.overview({ groupBy: 'key', projectId: 'prj_1' });
    expect(byKey.breakdown.map(({ label }) => label)).toEqual(['checkout']);
  });

  it('refuses ranges that are empty, backwards, negative or longer than 366 days', async () => {
    for (const range of [
      { since: NOW, until: NOW },
      { since: NOW, until: NOW - 1 },
      { since: -1, until: NOW },
      { since: 0.5, until: NOW },
      { since: NOW - 367 * 24 * HOUR, until: NOW },
    ]) {
      await expect(stats.overview({ groupBy: 'model', ...range })).rejects.toMatchObject({
        code: 'invalid_request',
      });
    }
  });
});
