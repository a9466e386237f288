import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueuedJob } from '../../src/ports/job-queue.js';
import type { Store } from '../../src/ports/store.js';
import { T0 } from './store-fixtures.js';

/** A store, and a way to write outbox jobs the way adapters do: inside a transaction of their own. */
export interface OutboxUnderTest {
  store: Store;
  /** Inserts `jobs` with the adapter's outbox helper in one transaction, rolled back instead when `rollback`. */
  insertInTransaction(options: { jobs: readonly QueuedJob[]; at: number; rollback?: boolean }): Promise<void>;
}

const aJob = (id: string, overrides: Partial<QueuedJob> = {}): QueuedJob => ({
  id,
  name: 'batch.plan',
  payload: { id, nested: { list: [1, 'two', null] }, text: 'ünïcødé ✓' },
  ...overrides,
});

/**
 * The JobOutbox contract (src/ports/job-outbox.ts) and the outbox insert helpers, run against every storage
 * adapter. `open` must return a fresh, empty, migrated store each time.
 */
export function describeJobOutboxContract(name: string, open: () => Promise<OutboxUnderTest>): void {
  describe(`${name}: job outbox`, () => {
    let subject: OutboxUnderTest;

    beforeEach(async () => {
      subject = await open();
    });

    afterEach(async () => {
      await subject.store.close();
    });

    it('returns unpublished jobs oldest first with their payload and options, up to the limit', async () => {
      await subject.insertInTransaction({
        jobs: [aJob('job-b'), aJob('job-c', { maxAttempts: 7, notBefore: T0 + 5_000 })],
        at: T0 + 1,
      });
      await subject.insertInTransaction({ jobs: [aJob('job-a')], at: T0 });
      await expect(subject.store.claimUnpublished(10)).resolves.toEqual([
        { ...aJob('job-a'), createdAt: T0 },
        { ...aJob('job-b'), createdAt: T0 + 1 },
        { ...aJob('job-c', { maxAttempts: 7, notBefore: T0 + 5_000 }), createdAt: T0 + 1 },
      ]);
      expect((await subject.store.claimUnpublished(2)).map((job) => job.id)).toEqual(['job-a', 'job-b']);
    });

    it('writes nothing when the transaction rolls back, and skips an id already in the outbox', async () => {
      await subject.insertInTransaction({ jobs: [aJob('job-1')], at: T0, rollback: true });
      await expect(subject.store.claimUnpublished(10)).resolves.toEqual([]);
      await subject.insertInTransaction({ jobs: [aJob('job-1')], at: T0 });
      await subject.insertInTransaction({
        jobs: [aJob('job-1', { payload: { second: true } }), aJob('job-2')],
        at: T0 + 1,
      });
      const jobs = await subject.store.claimUnpublished(10);
      expect(jobs.map((job) => job.id)).toEqual(['job-1', 'job-2']);
      expect(jobs[0]?.payload).toEqual(aJob('job-1').payload);
    });

    it('hides published jobs, keeps the first publication time, and purges only old published jobs', async () => {
      await subject.insertInTransaction({ jobs: ['j1', 'j2', 'j3'].map((id) => aJob(id)), at: T0 });
      await subject.store.markPublished(['j1', 'j2', 'unknown'], T0 + 10);
      await subject.store.markPublished(['j1'], T0 + 50);
      await subject.store.markPublished([], T0 + 60);
      expect((await subject.store.claimUnpublished(10)).map((job) => job.id)).toEqual(['j3']);
      await expect(subject.store.purgePublished(T0 + 10)).resolves.toBe(0);
      await expect(subject.store.purgePublished(T0 + 11)).resolves.toBe(2);
      await expect(subject.store.purgePublished(T0 + 1_000_000)).resolves.toBe(0);
      expect((await subject.store.claimUnpublished(10)).map((job) => job.id)).toEqual(['j3']);
    });
  });
}
