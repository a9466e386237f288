import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import type { Project } from '../core/identity.js';
import type { DeleteInteractionsBeforeOptions } from '../ports/log-retention.js';
import { makeRetentionSweep, type RetentionSweepDeps } from './sweep-retention.js';

const DAY = 86_400_000;

/** Records each delete; `backlog` says how many old interactions each project still has. */
class FakeRetentionStore {
  readonly deletes: DeleteInteractionsBeforeOptions[] = [];
  listings = 0;
  failing = new Set<string>();

  constructor(
    public projects: Project[],
    readonly backlog: Map<string, number>,
  ) {}

  listProjects(): Promise<Project[]> {
    this.listings += 1;
    return Promise.resolve(this.projects);
  }

  deleteInteractionsBefore(options: DeleteInteractionsBeforeOptions): Promise<number> {
    this.deletes.push(options);
    if (this.failing.has(options.projectId)) return Promise.reject(new Error('disk full'));
    const left = this.backlog.get(options.projectId) ?? 0;
    const deleted = Math.min(left, options.limit);
    this.backlog.set(options.projectId, left - deleted);
    return Promise.resolve(deleted);
  }
}

const project = (id: string, retentionDays: number | null): Project => ({
  id,
  name: id,
  createdAt: 0,
  retentionDays,
});

function setUp(options: { intervalMs?: number; backlog?: Record<string, number> } = {}) {
  const clock = new ManualClock();
  const errors: Array<[string, unknown]> = [];
  const store = new FakeRetentionStore(
    [project('prj_a', 30), project('prj_b', null), project('prj_c', 1)],
    new Map(Object.entries(options.backlog ?? { prj_a: 25, prj_b: 7, prj_c: 3 })),
  );
  const deps: RetentionSweepDeps = {
    store,
    clock,
    intervalMs: options.intervalMs ?? 3_600_000,
    batchSize: 10,
    logError: (message, error) => errors.push([message, error]),
  };
  return { clock, errors, store, sweep: makeRetentionSweep(deps) };
}

describe('makeRetentionSweep', () => {
  it('deletes in batches until a batch comes back short, per project with a retention period', async () => {
    const { clock, store, sweep } = setUp();
    await expect(sweep.sweepOnce()).resolves.toEqual({ deleted: { prj_a: 25, prj_c: 3 }, failed: [] });
    expect(store.deletes).toEqual([
      ...[1, 2, 3].map(() => ({ projectId: 'prj_a', before: clock.now() - 30 * DAY, limit: 10 })),
      { projectId: 'prj_c', before: clock.now() - DAY, limit: 10 },
    ]);
    expect(store.backlog.get('prj_b')).toBe(7);
  });

  it('logs a failing project, goes on with the others and never rejects', async () => {
    const { errors, store, sweep } = setUp();
    store.failing.add('prj_a');
    await expect(sweep.sweepOnce()).resolves.toEqual({ deleted: { prj_c: 3 }, failed: ['prj_a'] });
    expect(errors).toEqual([['retention sweep of project prj_a failed', new Error('disk full')]]);
  });

  it('logs a failure to list projects and reports nothing deleted', async () => {
    const { errors, store, sweep } = setUp();
    store.listProjects = () => Promise.reject(new Error('database is locked'));
    await expect(sweep.sweepOnce()).resolves.toEqual({ deleted: {}, failed: [] });
    expect(errors).toHaveLength(1);
  });

  it('joins a sweep already running instead of starting a second one', async () => {
    const { store, sweep } = setUp();
    const [first, second] = await Promise.all([sweep.sweepOnce(), sweep.sweepOnce()]);
    expect(first).toBe(second);
    expect(store.listings).toBe(1);
    await sweep.sweepOnce();
    expect(store.listings).toBe(2);
  });

  it('sweeps at start and then every interval, and stops on close', async () => {
    const { store, sweep } = setUp({ intervalMs: 5 });
    sweep.start();
    sweep.start();
    for (let waited = 0; store.listings < 3 && waited < 2_000; waited += 5) await sleep(5);
    expect(store.listings).toBeGreaterThanOrEqual(3);
    await sweep.close();
    const listings = store.listings;
    await sleep(30);
    expect(store.listings).toBe(listings);
  });

  it('stops a long backlog between batches when closed', async () => {
    const { store, sweep } = setUp({ backlog: { prj_a: 1_000_000 } });
    const report = sweep.sweepOnce();
    await sleep(5);
    await sweep.close();
    const { deleted } = await report;
    expect(deleted['prj_a']).toBeGreaterThan(0);
    expect(deleted['prj_a']).toBeLessThan(1_000_000);
    const calls = store.deletes.length;
    await sleep(10);
    expect(store.deletes).toHaveLength(calls);
  });
});
