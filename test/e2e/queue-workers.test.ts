import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { JobHandlerRegistry } from '../../src/worker/job-handler-registry.js';
import type { RunningWorkers } from '../../src/worker/run-workers.js';
import { startWorkers } from '../../src/worker/start-workers.js';
import { expectOpenAiError } from './expect-openai-error.js';
import { sendRequest } from './send-request.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

/** Quick retries, so that a poison job reaches the dead letters within a test. */
const CONFIG = `
queue:
  maxAttempts: 2
  pollIntervalMs: 10
  backoff: { baseMs: 10, maxMs: 20 }
workers:
  concurrency: { 'test.echo': 2 }
  heartbeatMs: 1000
`;

async function eventually<Value>(read: () => Promise<Value> | Value, accept: (value: Value) => boolean) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface QueueStatusView {
  kind: string;
  jobs: Array<{ name: string; ready: number; inFlight: number; deadLettered: number }>;
  workers: Array<{ id: string; pid: number; jobNames: string[] }>;
}

describe('workers in process (the embedded mode of npm start)', () => {
  let gateway: TestGateway;
  let workers: RunningWorkers;
  const echoed: string[] = [];
  const errors: unknown[] = [];

  beforeAll(async () => {
    gateway = await startTestGateway(CONFIG, errors);
    // A job of the test's own, registered through the registry's public API as a capability registers its jobs.
    const registry = new JobHandlerRegistry()
      .register({
        name: 'test.echo',
        schema: z.object({ text: z.string() }),
        create: () => (payload) => {
          echoed.push(payload.text);
          return Promise.resolve();
        },
      })
      .register({
        name: 'test.poison',
        schema: z.object({}),
        create: () => () => Promise.reject(new Error('always fails')),
      });
    workers = await startWorkers(gateway.app, registry, (_message, error) => errors.push(error));
  });

  afterAll(async () => {
    await workers.stop();
    await gateway.close();
  });

  const api = (path: string, options: { key?: string; json?: unknown } = {}) =>
    sendRequest(gateway.baseUrl, { path, key: options.key ?? gateway.adminKey, json: options.json });

  it('runs an enqueued job once, and shows the live worker and the counts', async () => {
    await gateway.app.queue.enqueue([{ id: 'echo-1', name: 'test.echo', payload: { text: 'hello' } }]);
    await eventually(
      () => echoed,
      (seen) => seen.length === 1,
    );
    expect(echoed).toEqual(['hello']);

    const status = (await api('/api/queue')).json() as QueueStatusView;
    expect(status.kind).toBe('embedded');
    expect(status.workers).toEqual([
      expect.objectContaining({ id: workers.id, pid: process.pid, jobNames: ['test.echo', 'test.poison'] }),
    ]);
    // The queue gauges show the snapshot read at the previous scrape.
    const metrics = await eventually(
      async () => (await api('/metrics')).text,
      (text) => text.includes('slipway_workers_alive 1'),
    );
    expect(metrics).toContain('slipway_jobs_total{name="test.echo",outcome="completed"} 1');
    expect(metrics).toContain('slipway_job_duration_seconds_count{name="test.echo"} 1');
    expect(metrics).toMatch(/slipway_queue_depth\{name="test\.echo",state="ready"\} 0/);
  });

  it('dead-letters a job that always fails after maxAttempts, with its reason, and re-drives it (audited)', async () => {
    await gateway.app.queue.enqueue([{ id: 'poison-1', name: 'test.poison', payload: {} }]);
    const letters = await eventually(
      async () => (await api('/api/queue/dead-letters?name=test.poison')).json() as { data: unknown[] },
      (body) => body.data.length === 1,
    );
    expect(letters.data).toEqual([
      expect.objectContaining({ id: 'poison-1', name: 'test.poison', attempts: 2, reason: 'always fails' }),
    ]);
    const status = (await api('/api/queue')).json() as QueueStatusView;
    expect(status.jobs.find((job) => job.name === 'test.poison')).toMatchObject({ deadLettered: 1 });

    const viewer = await gateway.createKey({ role: 'viewer' });
    await expectOpenAiError(await api('/api/queue/redrive', { key: viewer, json: {} }), 'forbidden');
    const redriven = await api('/api/queue/redrive', { json: { name: 'test.poison' } });
    expect(redriven.json()).toEqual({ redriven: 1 });
    const audit = (await api('/api/audit?action=queue.redrive')).json() as { data: unknown[] };
    expect(audit.data).toEqual([
      expect.objectContaining({ action: 'queue.redrive', target: 'test.poison', detail: { count: 1 } }),
    ]);
  });

  it('answers bad queue requests with a 400 naming the parameter', async () => {
    await expectOpenAiError(await api('/api/queue/dead-letters?limit=0'), 'invalid_request');
    await expectOpenAiError(await api('/api/queue/dead-letters?color=red'), 'invalid_request');
    await expectOpenAiError(await api('/api/queue/redrive', { json: { ids: [] } }), 'invalid_request');
    await expectOpenAiError(await api('/api/queue/redrive', { json: { name: 7 } }), 'invalid_request');
    await expectOpenAiError(await api('/api/queue', { key: 'sk-wrong' }), 'unauthorized');
  });
});
