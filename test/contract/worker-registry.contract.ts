import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/ports/store.js';
import type { WorkerHeartbeat } from '../../src/ports/worker-registry.js';
import { T0 } from './store-fixtures.js';

const aHeartbeat = (overrides: Partial<WorkerHeartbeat> = {}): WorkerHeartbeat => ({
  id: 'wrk_1',
  host: 'host-a',
  pid: 4242,
  startedAt: T0,
  lastSeenAt: T0,
  jobNames: ['batch.plan', 'batch.line'],
  ...overrides,
});

/** The WorkerRegistry contract (src/ports/worker-registry.ts), run on every store. */
export function describeWorkerRegistryContract(name: string, open: () => Promise<Store>): void {
  describe(`${name}: worker registry`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
    });

    it('records a heartbeat and lists the workers seen since an instant, oldest start first', async () => {
      await store.recordWorkerHeartbeat(aHeartbeat({ id: 'wrk_2', startedAt: T0 + 5, lastSeenAt: T0 + 10 }));
      await store.recordWorkerHeartbeat(aHeartbeat({ id: 'wrk_1', lastSeenAt: T0 + 20 }));
      await store.recordWorkerHeartbeat(aHeartbeat({ id: 'wrk_old', lastSeenAt: T0 - 1 }));
      const workers = await store.listWorkers({ seenSince: T0 });
      expect(workers).toEqual([
        aHeartbeat({ id: 'wrk_1', lastSeenAt: T0 + 20 }),
        aHeartbeat({ id: 'wrk_2', startedAt: T0 + 5, lastSeenAt: T0 + 10 }),
      ]);
    });

    it('replaces the row of a worker that reports again, keeping one row per id', async () => {
      await store.recordWorkerHeartbeat(aHeartbeat());
      await store.recordWorkerHeartbeat(aHeartbeat({ lastSeenAt: T0 + 1_000, jobNames: ['batch.line'] }));
      await expect(store.listWorkers({ seenSince: 0 })).resolves.toEqual([
        aHeartbeat({ lastSeenAt: T0 + 1_000, jobNames: ['batch.line'] }),
      ]);
    });

    it('removes a worker by id, and an unknown id is no error', async () => {
      await store.recordWorkerHeartbeat(aHeartbeat());
      await store.removeWorker('wrk_none');
      await store.removeWorker('wrk_1');
      await expect(store.listWorkers({ seenSince: 0 })).resolves.toEqual([]);
    });

    it('removes the workers last seen before an instant and says how many', async () => {
      await store.recordWorkerHeartbeat(aHeartbeat({ id: 'wrk_dead', lastSeenAt: T0 - 100 }));
      await store.recordWorkerHeartbeat(aHeartbeat({ id: 'wrk_live', lastSeenAt: T0 }));
      await expect(store.removeWorkersSeenBefore(T0)).resolves.toBe(1);
      expect((await store.listWorkers({ seenSince: 0 })).map((worker) => worker.id)).toEqual(['wrk_live']);
    });
  });
}
