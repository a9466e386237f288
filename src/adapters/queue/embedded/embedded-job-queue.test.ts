import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { describeJobQueue } from '../../../../test/contract/job-queue.contract.js';
import type { JobQueueUnderTest } from '../../../../test/contract/job-queue.contract.js';
import { waitFor } from '../../../../test/contract/job-queue-harness.js';
import type { JobDelivery } from '../../../ports/job-queue.js';
import type { EmbeddedJobQueueOptions } from './index.js';
import { openEmbeddedJobQueue } from './index.js';

const directory = mkdtempSync(join(tmpdir(), 'slipway-embedded-queue-'));
let files = 0;
const freshPath = (): string => join(directory, `queue-${++files}`, 'queue.sqlite');

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

const KNOBS = {
  leaseMs: 300,
  pollIntervalMs: 20,
  defaultMaxAttempts: 5,
  backoff: { baseMs: 5, maxMs: 40 },
} as const;

/** Lets every lease lapse now, as the death of its holder would once the lease ran out. */
function lapseLeases(path: string): void {
  const database = new BetterSqlite3(path);
  try {
    database.pragma('busy_timeout = 5000');
    database
      .prepare("UPDATE jobs SET visible_at = 0, claim = 'lapsed:' || claim WHERE claim IS NOT NULL")
      .run();
  } finally {
    database.close();
  }
}

async function openUnderTest(): Promise<JobQueueUnderTest> {
  const path = freshPath();
  let queue = openEmbeddedJobQueue({ path, ...KNOBS });
  return {
    get queue() {
      return queue;
    },
    async reopen() {
      await queue.close();
      queue = openEmbeddedJobQueue({ path, ...KNOBS });
      return queue;
    },
    loseLeases: () => Promise.resolve(lapseLeases(path)),
    close: () => queue.close(),
  };
}

describeJobQueue('embedded', openUnderTest, {
  capabilities: { dedupesIds: true, reportsDelayed: true },
  settleMs: 400,
});

const queueModule = new URL('./index.ts', import.meta.url).href;

/** A child process that claims up to `concurrency` jobs, reports each on stdout, and never finishes them. */
function spawnClaimingChild(options: { path: string; name: string; concurrency: number }) {
  const program = `
    const { openEmbeddedJobQueue } = await import(${JSON.stringify(queueModule)});
    const queue = openEmbeddedJobQueue({ path: ${JSON.stringify(options.path)}, ...${JSON.stringify(KNOBS)} });
    await queue.consume(${JSON.stringify(options.name)}, (delivery) => {
      process.stdout.write(delivery.id + ' ' + delivery.attempt + '\\n');
      return new Promise(() => {});
    }, { concurrency: ${options.concurrency} });
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', program], {
    cwd: fileURLToPath(new URL('../../../../', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const claimed: string[] = [];
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    claimed.push(...chunk.split('\n').filter((line) => line !== ''));
  });
  return { child, claimed };
}

describe('embedded job queue', () => {
  it('delivers again, after the lease, the jobs of a process killed mid-handler: exactly once in effect', async () => {
    const path = freshPath();
    const name = 'crash.test';
    const queue = openEmbeddedJobQueue({ path, ...KNOBS });
    try {
      const ids = Array.from({ length: 6 }, (_, index) => `crash-${index}`);
      await queue.enqueue(ids.map((id) => ({ id, name, payload: { id } })));
      const { child, claimed } = spawnClaimingChild({ path, name, concurrency: 2 });
      await waitFor(() => claimed.length === 2, { timeoutMs: 15_000, what: 'the child to claim two jobs' });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      const killedAt = Date.now();
      expect(claimed).toEqual(['crash-0 1', 'crash-1 1']);

      const effects = new Map<string, JobDelivery>();
      const deliveries: Array<{ id: string; at: number }> = [];
      const consumer = await queue.consume(
        name,
        async (delivery) => {
          deliveries.push({ id: delivery.id, at: Date.now() });
          // The effect is keyed on the job's id, as a unique constraint would key it.
          if (!effects.has(delivery.id)) effects.set(delivery.id, delivery);
        },
        { concurrency: 2 },
      );
      await waitFor(() => effects.size === ids.length, { timeoutMs: 5_000, what: 'every job' });
      await consumer.close();
      expect([...effects.keys()].sort()).toEqual(ids);
      expect(deliveries).toHaveLength(ids.length);
      expect(effects.get('crash-0')?.attempt).toBe(2);
      expect(effects.get('crash-2')?.attempt).toBe(1);
      // The killed process's jobs waited for their lease to lapse (the lease may have begun just before the kill).
      const redelivered = deliveries.find((delivery) => delivery.id === 'crash-0');
      expect((redelivered?.at ?? 0) - killedAt).toBeGreaterThanOrEqual(0);
      expect(await queue.stats()).toContainEqual({
        name,
        ready: 0,
        delayed: 0,
        inFlight: 0,
        deadLettered: 0,
      });
    } finally {
      await queue.close();
    }
  }, 30_000);

  it('wakes a consumer at once on an enqueue in the same process, well before the next poll', async () => {
    const queue = openEmbeddedJobQueue({ ...KNOBS, path: freshPath(), pollIntervalMs: 10_000 });
    try {
      let deliveredAt = 0;
      const consumer = await queue.consume('wake.test', async () => void (deliveredAt = Date.now()), {
        concurrency: 1,
      });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const enqueuedAt = Date.now();
      await queue.enqueue([{ id: 'wake-1', name: 'wake.test', payload: {} }]);
      await waitFor(() => deliveredAt > 0, { timeoutMs: 1_000, what: 'the delivery' });
      await consumer.close();
      expect(deliveredAt - enqueuedAt).toBeLessThan(100);
    } finally {
      await queue.close();
    }
  });

  it('renews the lease of a handler that runs longer than the lease, so nobody else takes its job', async () => {
    const path = freshPath();
    const queue = openEmbeddedJobQueue({ path, ...KNOBS });
    // A second queue on the same file, as another process would open it.
    const other = openEmbeddedJobQueue({ path, ...KNOBS });
    try {
      await queue.enqueue([{ id: 'long-1', name: 'long.test', payload: {} }]);
      const seen: string[] = [];
      let aborted = false;
      const consumer = await queue.consume(
        'long.test',
        async (delivery, signal) => {
          seen.push(`first ${delivery.attempt}`);
          await new Promise((resolve) => setTimeout(resolve, KNOBS.leaseMs * 3));
          aborted = signal.aborted;
        },
        { concurrency: 1 },
      );
      const rival = await other.consume('long.test', async () => void seen.push('rival'), { concurrency: 1 });
      await waitFor(() => seen.length === 1, { timeoutMs: 1_000, what: 'the delivery' });
      await new Promise((resolve) => setTimeout(resolve, KNOBS.leaseMs * 3 + 100));
      await Promise.all([consumer.close(), rival.close()]);
      expect(seen).toEqual(['first 1']);
      expect(aborted).toBe(false);
    } finally {
      await Promise.all([queue.close(), other.close()]);
    }
  });

  it('refuses bad jobs and bad settings with invalid_request, storing none of the batch', async () => {
    const queue = openEmbeddedJobQueue({ path: freshPath(), ...KNOBS });
    try {
      const good = { id: 'ok-1', name: 'bad.test', payload: {} };
      for (const bad of [
        { id: '', name: 'bad.test', payload: {} },
        { id: 'x', name: '', payload: {} },
        { id: 'x', name: 'bad.test', payload: undefined },
        { id: 'x', name: 'bad.test', payload: { big: 10n } },
        { id: 'x', name: 'bad.test', payload: {}, maxAttempts: 0 },
        { id: 'x', name: 'bad.test', payload: {}, notBefore: Number.NaN },
      ]) {
        await expect(queue.enqueue([good, bad])).rejects.toMatchObject({
          code: 'invalid_request',
          param: 'jobs[1]',
        });
      }
      expect((await queue.stats()).find((stats) => stats.name === 'bad.test')).toBeUndefined();
      await expect(
        queue.consume('bad.test', async () => undefined, { concurrency: 0 }),
      ).rejects.toMatchObject({
        code: 'invalid_request',
      });
    } finally {
      await queue.close();
    }
    const settings: EmbeddedJobQueueOptions = { path: freshPath(), ...KNOBS };
    expect(() => openEmbeddedJobQueue({ ...settings, leaseMs: 0 })).toThrow(/leaseMs/);
    expect(() => openEmbeddedJobQueue({ ...settings, backoff: { baseMs: -1, maxMs: 1 } })).toThrow(/baseMs/);
  });

  it('refuses a queue file written by a newer version', async () => {
    const path = freshPath();
    await openEmbeddedJobQueue({ path, ...KNOBS }).close();
    const database = new BetterSqlite3(path);
    database.pragma('user_version = 99');
    database.close();
    expect(() => openEmbeddedJobQueue({ path, ...KNOBS })).toThrow(/schema version 99/);
  });
});
