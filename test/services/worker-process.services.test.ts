import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../e2e/start-test-gateway.js';
import { sendRequest } from '../e2e/send-request.js';
import { aRabbitMqPrefix, deleteRabbitMqPrefix, RABBITMQ_URL } from '../reliability/rabbitmq-test-broker.js';
import { REPOSITORY_ROOT } from './build-slipway.js';
import { createFreshDatabase, type FreshDatabase } from './fresh-database.js';

const RUNNING = /Slipway worker (wrk_\S+) is running/;

interface QueueStatusView {
  kind: string;
  workers: Array<{ id: string; pid: number; jobNames: string[] }>;
}

/** `slipway worker` from the sources (tsx), so that the test runs the code under test without a build. */
function startWorkerProcess(configFile: string, dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker'], {
    cwd: REPOSITORY_ROOT,
    env: { PATH: process.env.PATH ?? '', SLIPWAY_CONFIG: configFile, SLIPWAY_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  process.once('exit', () => child.kill('SIGKILL'));
  let output = '';
  child.stdout.on('data', (part: Buffer) => (output += part.toString('utf8')));
  child.stderr.on('data', (part: Buffer) => (output += part.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const running = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 30_000);
    child.stdout.on('data', () => {
      const match = RUNNING.exec(output);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve(match[1]);
    });
    void exited.then(() => reject(new Error(`worker exited before running:\n${output}`)));
  });
  return { child, running, exited, output: () => output };
}

async function eventually<Value>(read: () => Promise<Value>, accept: (value: Value) => boolean) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('slipway worker as its own process, with slipway api on PostgreSQL + RabbitMQ', () => {
  let database: FreshDatabase;
  let gateway: TestGateway;
  let dataDir: string;
  let worker: ReturnType<typeof startWorkerProcess>;
  const prefix = aRabbitMqPrefix('worker-process');

  beforeAll(async () => {
    database = await createFreshDatabase('slipway_worker_process');
    dataDir = mkdtempSync(join(tmpdir(), 'slipway-worker-'));
    const configText = `
store: { kind: postgres, url: "${database.url}" }
queue: { kind: rabbitmq, url: "${RABBITMQ_URL}", prefix: "${prefix}", maxAttempts: 1 }
workers: { heartbeatMs: 500 }
`;
    const configFile = join(dataDir, 'slipway.yaml');
    writeFileSync(configFile, configText);
    // The API, composed as `slipway api` composes it: no workers in this process.
    gateway = await startTestGateway(configText);
    worker = startWorkerProcess(configFile, dataDir);
    await worker.running;
  });

  afterAll(async () => {
    worker.child.kill('SIGKILL');
    await gateway.close();
    await database.drop();
    await deleteRabbitMqPrefix(prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows the worker process as live in the API process, with the jobs it consumes', async () => {
    const id = await worker.running;
    const status = await eventually(
      async () =>
        (
          await sendRequest(gateway.baseUrl, { path: '/api/queue', key: gateway.adminKey })
        ).json() as QueueStatusView,
      (body) => body.workers.length === 1,
    );
    expect(status.kind).toBe('rabbitmq');
    expect(status.workers).toEqual([
      expect.objectContaining({
        id,
        pid: worker.child.pid,
        jobNames: ['batch.plan', 'batch.line', 'inference.chat', 'docs.ingest'],
      }),
    ]);
  });

  it('consumes a job the API process enqueued: a payload its schema refuses is dead-lettered with the reason', async () => {
    await gateway.app.queue.enqueue([
      { id: 'bad-line-1', name: 'batch.line', payload: { batchId: 'b', line: 0 } },
    ]);
    const letters = await eventually(
      () => gateway.app.queue.listDeadLetters({ name: 'batch.line', limit: 10 }),
      (found) => found.length === 1,
    );
    expect(letters[0]).toMatchObject({ id: 'bad-line-1', attempts: 1 });
    expect(letters[0]?.reason).toMatch(/^invalid payload for job "batch\.line": line: /);
  });

  it('stops on SIGTERM: finishes, removes its heartbeat and exits 0', async () => {
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain('[slipway worker] stopped');
    await expect(gateway.app.store.listWorkers({ seenSince: 0 })).resolves.toEqual([]);
  });
});
