import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import { RecordingJobQueue } from '../../test/doubles/recording-job-queue.js';
import { SeededRandom } from '../../test/doubles/seeded-random.js';
import type { JobOutcome } from '../ports/metrics.js';
import type { WorkerHeartbeat, WorkerRegistry } from '../ports/worker-registry.js';
import { JobHandlerRegistry, type JobHandlerEntry } from './job-handler-registry.js';
import { runWorkers, type RunWorkersOptions } from './run-workers.js';

class MemoryWorkerRegistry implements WorkerRegistry {
  readonly rows = new Map<string, WorkerHeartbeat>();
  recordWorkerHeartbeat(heartbeat: WorkerHeartbeat) {
    this.rows.set(heartbeat.id, heartbeat);
    return Promise.resolve();
  }
  listWorkers(query: { seenSince: number }) {
    return Promise.resolve([...this.rows.values()].filter((row) => row.lastSeenAt >= query.seenSince));
  }
  removeWorker(id: string) {
    this.rows.delete(id);
    return Promise.resolve();
  }
  removeWorkersSeenBefore(before: number) {
    const stale = [...this.rows.values()].filter((row) => row.lastSeenAt < before);
    for (const row of stale) this.rows.delete(row.id);
    return Promise.resolve(stale.length);
  }
}

function setUp(entries: RunWorkersOptions['handlers'], overrides: Partial<RunWorkersOptions> = {}) {
  const queue = new RecordingJobQueue();
  const workers = new MemoryWorkerRegistry();
  const observed: Array<{ name: string; outcome: JobOutcome; durationMs: number }> = [];
  const errors: string[] = [];
  const clock = new ManualClock();
  const options: RunWorkersOptions = {
    queue,
    handlers: entries,
    concurrencyOf: (name) => (name === 'echo' ? 3 : 8),
    metrics: { observeJob: (job) => observed.push(job) },
    workers,
    clock,
    random: new SeededRandom(),
    heartbeatMs: 60_000,
    logError: (message) => errors.push(message),
    ...overrides,
  };
  return { queue, workers, observed, errors, clock, options };
}

const echoSchema = z.object({ text: z.string() });

function echoEntry(seen: string[], fail = false): RunWorkersOptions['handlers'][number] {
  const entry: JobHandlerEntry<{ text: string }> = {
    name: 'echo',
    schema: echoSchema,
    create: () => (payload) => {
      if (fail) return Promise.reject(new Error(`cannot echo ${payload.text}`));
      seen.push(payload.text);
      return Promise.resolve();
    },
  };
  // The app is not needed by this handler; the runner gets handlers already made.
  const handle = entry.create({} as never);
  return {
    entry: entry as unknown as JobHandlerEntry,
    handle: handle as (payload: unknown) => Promise<void>,
  };
}

describe('runWorkers', () => {
  it('consumes each job name with its concurrency and hands valid payloads to the handler', async () => {
    const seen: string[] = [];
    const { queue, observed, options } = setUp([echoEntry(seen)]);
    const running = await runWorkers(options);
    expect(running.jobNames).toEqual(['echo']);
    expect(running.concurrency).toEqual({ echo: 3 });
    expect(queue.consumers.get('echo')?.options).toEqual({ concurrency: 3 });
    await queue.deliver('echo', { payload: { text: 'hello' } });
    expect(seen).toEqual(['hello']);
    expect(observed.map((job) => [job.name, job.outcome])).toEqual([['echo', 'completed']]);
    await running.stop();
  });

  it('refuses a payload its schema rejects: the handler never runs and the delivery fails with the reason', async () => {
    const seen: string[] = [];
    const { queue, observed, errors, options } = setUp([echoEntry(seen)]);
    const running = await runWorkers(options);
    await expect(queue.deliver('echo', { payload: { text: 42 } })).rejects.toThrow(
      /invalid payload for job "echo": text: /,
    );
    expect(seen).toEqual([]);
    expect(observed.map((job) => job.outcome)).toEqual(['invalid']);
    expect(errors).toEqual(['job job_1 (echo) refused']);
    await running.stop();
  });

  it('rethrows a handler failure so the queue retries it, counts it and says when it is the last attempt', async () => {
    const { queue, observed, errors, options } = setUp([echoEntry([], true)]);
    const running = await runWorkers(options);
    await expect(queue.deliver('echo', { payload: { text: 'a' }, attempt: 1 })).rejects.toThrow(
      'cannot echo a',
    );
    await expect(queue.deliver('echo', { payload: { text: 'a' }, attempt: 3 })).rejects.toThrow(
      'cannot echo a',
    );
    expect(observed.map((job) => job.outcome)).toEqual(['failed', 'failed']);
    expect(errors).toEqual([
      'job job_1 (echo) failed at attempt 1 of 3',
      'job job_1 (echo) failed at attempt 3 of 3, dead-lettered',
    ]);
    await running.stop();
  });

  it('records a heartbeat while running and removes it on stop, after closing the consumers', async () => {
    const { queue, workers, clock, options } = setUp([echoEntry([])]);
    const running = await runWorkers(options);
    expect([...workers.rows.values()]).toEqual([
      expect.objectContaining({
        id: running.id,
        pid: process.pid,
        lastSeenAt: clock.now(),
        jobNames: ['echo'],
      }),
    ]);
    await running.stop();
    await running.stop();
    expect(queue.consumers.get('echo')?.closed).toBe(true);
    expect(workers.rows.size).toBe(0);
  });

  it('clears the rows of workers that stopped without removing themselves', async () => {
    const { workers, clock, options } = setUp([]);
    await workers.recordWorkerHeartbeat({
      id: 'wrk_dead',
      host: 'gone',
      pid: 1,
      startedAt: 0,
      lastSeenAt: clock.now() - 11 * options.heartbeatMs,
      jobNames: [],
    });
    const running = await runWorkers(options);
    expect([...workers.rows.keys()]).toEqual([running.id]);
    await running.stop();
  });
});

describe('JobHandlerRegistry', () => {
  it('lists entries in registration order and refuses a second handler for one name', () => {
    const registry = new JobHandlerRegistry();
    const entry = (name: string): JobHandlerEntry => ({
      name,
      schema: z.unknown(),
      create: () => () => Promise.resolve(),
    });
    registry.register(entry('b')).register(entry('a'));
    expect(registry.entries().map((candidate) => candidate.name)).toEqual(['b', 'a']);
    expect(() => registry.register(entry('a'))).toThrow('A handler for job "a" is already registered.');
  });
});
