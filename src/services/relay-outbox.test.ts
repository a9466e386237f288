import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import type { JobOutbox, OutboxJob } from '../ports/job-outbox.js';
import type { QueuedJob } from '../ports/job-queue.js';
import type { OutboxRelay, OutboxRelayOptions } from './relay-outbox.js';
import { makeOutboxRelay } from './relay-outbox.js';

/** An outbox in memory that records marks and purges; `failNext` makes the next call of a method throw. */
class MemoryOutbox implements JobOutbox {
  readonly rows = new Map<string, OutboxJob & { publishedAt: number | null }>();
  readonly purges: number[] = [];
  failNext: 'claimUnpublished' | 'markPublished' | null = null;

  add(count: number, createdAt = 1): void {
    for (let index = 0; index < count; index++) {
      const id = `job-${String(this.rows.size).padStart(4, '0')}`;
      this.rows.set(id, { id, name: 'batch.line', payload: { id }, createdAt, publishedAt: null });
    }
  }

  #maybeFail(method: 'claimUnpublished' | 'markPublished'): void {
    if (this.failNext !== method) return;
    this.failNext = null;
    throw new Error(`${method} failed`);
  }

  claimUnpublished(limit: number): Promise<OutboxJob[]> {
    this.#maybeFail('claimUnpublished');
    const unpublished = [...this.rows.values()].filter((row) => row.publishedAt === null).slice(0, limit);
    return Promise.resolve(unpublished.map(({ publishedAt: _publishedAt, ...job }) => job));
  }

  markPublished(ids: readonly string[], at: number): Promise<void> {
    this.#maybeFail('markPublished');
    for (const id of ids) {
      const row = this.rows.get(id);
      if (row !== undefined && row.publishedAt === null) row.publishedAt = at;
    }
    return Promise.resolve();
  }

  purgePublished(before: number): Promise<number> {
    this.purges.push(before);
    return Promise.resolve(0);
  }

  published(): string[] {
    return [...this.rows.values()].filter((row) => row.publishedAt !== null).map((row) => row.id);
  }
}

/** A queue that records every enqueue call; `failures` rejects that many calls first. */
class RecordingQueue {
  readonly calls: QueuedJob[][] = [];
  failures = 0;

  enqueue(jobs: readonly QueuedJob[]): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      return Promise.reject(new Error('broker unreachable'));
    }
    this.calls.push([...jobs]);
    return Promise.resolve();
  }

  ids(): string[] {
    return this.calls.flat().map((job) => job.id);
  }
}

const waitUntil = async (check: () => boolean): Promise<void> => {
  for (let turn = 0; turn < 400 && !check(); turn++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
};

describe('makeOutboxRelay', () => {
  const clock = new ManualClock(1_000);
  let relay: OutboxRelay | undefined;
  const errors: unknown[] = [];

  function relayWith(overrides: Partial<OutboxRelayOptions> & Pick<OutboxRelayOptions, 'outbox' | 'queue'>) {
    relay = makeOutboxRelay({
      clock,
      intervalMs: 20,
      batchSize: 10,
      logError: (_message, error) => errors.push(error),
      ...overrides,
    });
    return relay;
  }

  afterEach(async () => {
    await relay?.close();
    errors.length = 0;
  });

  it('publishes a batch as queued jobs, then marks it published at the clock time', async () => {
    const outbox = new MemoryOutbox();
    const queue = new RecordingQueue();
    outbox.add(3);
    outbox.rows.set('job-x', {
      id: 'job-x',
      name: 'batch.plan',
      payload: { x: 1 },
      maxAttempts: 2,
      notBefore: 5_000,
      createdAt: 2,
      publishedAt: null,
    });
    await expect(relayWith({ outbox, queue }).relayOnce()).resolves.toBe(4);
    expect(queue.calls).toHaveLength(1);
    expect(queue.calls[0]?.[3]).toEqual({
      id: 'job-x',
      name: 'batch.plan',
      payload: { x: 1 },
      maxAttempts: 2,
      notBefore: 5_000,
    });
    expect(queue.calls[0]?.[0]).toEqual({ id: 'job-0000', name: 'batch.line', payload: { id: 'job-0000' } });
    expect(outbox.rows.get('job-x')?.publishedAt).toBe(1_000);
    await expect(relay?.relayOnce()).resolves.toBe(0);
  });

  it('marks nothing when the queue refuses, and publishes the jobs on the next pass', async () => {
    const outbox = new MemoryOutbox();
    const queue = new RecordingQueue();
    outbox.add(2);
    queue.failures = 1;
    const subject = relayWith({ outbox, queue });
    await expect(subject.relayOnce()).rejects.toThrow('broker unreachable');
    expect(outbox.published()).toEqual([]);
    await expect(subject.relayOnce()).resolves.toBe(2);
    expect(outbox.published()).toEqual(['job-0000', 'job-0001']);
  });

  it('publishes again what it could not mark: at least once, never lost', async () => {
    const outbox = new MemoryOutbox();
    const queue = new RecordingQueue();
    outbox.add(2);
    outbox.failNext = 'markPublished';
    const subject = relayWith({ outbox, queue });
    await expect(subject.relayOnce()).rejects.toThrow('markPublished failed');
    await expect(subject.relayOnce()).resolves.toBe(2);
    expect(queue.ids()).toEqual(['job-0000', 'job-0001', 'job-0000', 'job-0001']);
    expect(outbox.published()).toHaveLength(2);
  });

  it('joins a pass already running rather than publishing the same jobs twice at once', async () => {
    const outbox = new MemoryOutbox();
    const queue = new RecordingQueue();
    outbox.add(3);
    const subject = relayWith({ outbox, queue });
    const counts = await Promise.all([subject.relayOnce(), subject.relayOnce()]);
    expect(counts).toEqual([3, 3]);
    expect(queue.ids()).toHaveLength(3);
  });

  it('once started, drains a backlog batch after batch, logs failures and keeps going, then stops on close', async () => {
    const outbox = new MemoryOutbox();
    const queue = new RecordingQueue();
    outbox.add(25);
    outbox.failNext = 'claimUnpublished';
    const subject = relayWith({ outbox, queue, intervalMs: 10 });
    subject.start();
    subject.start();
    await waitUntil(() => outbox.published().length === 25);
    expect(queue.calls.map((call) => call.length)).toEqual([10, 10, 5]);
    expect(errors).toHaveLength(1);
    outbox.add(1);
    await waitUntil(() => outbox.published().length === 26);
    await subject.close();
    outbox.add(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(outbox.published()).toHaveLength(26);
  });

  it('purges published jobs older than the retention when a pass finds nothing to publish', async () => {
    const outbox = new MemoryOutbox();
    const queue = new RecordingQueue();
    outbox.add(1);
    const subject = relayWith({ outbox, queue, retainPublishedMs: 600 });
    await subject.relayOnce();
    expect(outbox.purges).toEqual([]);
    await subject.relayOnce();
    expect(outbox.purges).toEqual([400]);
  });
});
