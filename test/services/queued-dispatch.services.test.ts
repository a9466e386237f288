import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../doubles/mock-upstream.js';
import { startTestGateway, type TestGateway } from '../e2e/start-test-gateway.js';
import { aRabbitMqPrefix, deleteRabbitMqPrefix, RABBITMQ_URL } from '../reliability/rabbitmq-test-broker.js';
import { REPOSITORY_ROOT } from './build-slipway.js';
import { createFreshDatabase, type FreshDatabase } from './fresh-database.js';

const CONTENT = 'A slipway launches ships into the water.';
const messages = [{ role: 'user' as const, content: 'Say something about ships.' }];

/** `slipway worker` from the sources (tsx), resolved once it says it is running. */
async function startWorkerProcess(configFile: string, dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'worker'], {
    cwd: REPOSITORY_ROOT,
    env: { PATH: process.env.PATH ?? '', SLIPWAY_CONFIG: configFile, SLIPWAY_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      process.off('exit', killOnExit);
      resolve();
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 30_000);
    const read = (part: Buffer) => {
      output += part.toString('utf8');
      if (!output.includes('is running')) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout.on('data', read);
    child.stderr.on('data', (part: Buffer) => (output += part.toString('utf8')));
    void exited.then(() => reject(new Error(`worker exited before running:\n${output}`)));
  });
  return {
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function eventually<Value>(read: () => Promise<Value> | Value, accept: (value: Value) => boolean) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('queued dispatch: slipway api (in the test) and a slipway worker process on PostgreSQL + RabbitMQ', () => {
  let database: FreshDatabase;
  let mock: MockUpstream;
  let gateway: TestGateway;
  let dataDir: string;
  let configFile: string;
  let worker: Awaited<ReturnType<typeof startWorkerProcess>>;
  let client: OpenAI;
  const prefix = aRabbitMqPrefix('queued-dispatch');

  beforeAll(async () => {
    database = await createFreshDatabase('slipway_queued_dispatch');
    mock = await startMockUpstream({ content: CONTENT });
    dataDir = mkdtempSync(join(tmpdir(), 'slipway-queued-'));
    const configText = `
store: { kind: postgres, url: "${database.url}" }
queue:
  kind: rabbitmq
  url: "${RABBITMQ_URL}"
  prefix: "${prefix}"
  dispatch: { heartbeatMs: 200, jobTimeoutMs: 30000 }
providers:
  - { id: mock, kind: openai-compatible, baseUrl: "${mock.url}" }
routes:
  - model: queued-model
    targets: [ { provider: mock, model: gpt-4o-mini } ]
    retry: { maxAttempts: 1 }
    timeouts: { firstTokenMs: 60000, totalMs: 60000 }
    dispatch: queued
workers: { heartbeatMs: 500 }
logging: { flushIntervalMs: 10 }
`;
    configFile = join(dataDir, 'slipway.yaml');
    writeFileSync(configFile, configText);
    gateway = await startTestGateway(configText);
    worker = await startWorkerProcess(configFile, dataDir);
    client = new OpenAI({ baseURL: `${gateway.baseUrl}/v1`, apiKey: gateway.appKey, maxRetries: 0 });
  });

  afterAll(async () => {
    await worker.kill();
    await gateway.close();
    await mock.close();
    await database.drop();
    await deleteRabbitMqPrefix(prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers through the worker process, which logs the interaction once, as queued', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'queued-model', messages })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe(CONTENT);
    const id = response.headers.get('x-slipway-interaction-id') ?? '';
    const record = await eventually(
      () => gateway.app.store.getInteraction(id),
      (found) => found !== null,
    );
    expect(record).toMatchObject({ status: 'success', variant: 'queued' });
  });

  it('retries transparently when the worker is SIGKILLed before the first byte', async () => {
    mock.requests.length = 0;
    mock.enqueue('hang');
    const answering = client.chat.completions.create({ model: 'queued-model', messages, stream: true });
    await eventually(
      () => mock.requests.length,
      (count) => count === 1,
    );
    await worker.kill();
    // The broker gives the unacknowledged job back when the worker's connection dies; a new worker takes it.
    worker = await startWorkerProcess(configFile, dataDir);
    let text = '';
    for await (const chunk of await answering) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(CONTENT);
    expect(mock.requests).toHaveLength(2);
  });

  it('ends with one SSE error frame when the worker is SIGKILLed after the first byte', async () => {
    mock.enqueue('slow-200x50');
    const response = await request(`${gateway.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.appKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'queued-model', messages, stream: true }),
    });
    expect(response.statusCode).toBe(200);
    let text = '';
    let killed: Promise<void> | undefined;
    for await (const part of response.body) {
      text += (part as Buffer).toString('utf8');
      killed ??= worker.kill();
    }
    await killed;
    const frames = text.split('\n\n').filter((frame) => frame.startsWith('data: '));
    const errorFrames = frames.filter((frame) => frame.includes('"error"'));
    expect(errorFrames).toHaveLength(1);
    expect(frames.at(-1)).toBe(errorFrames[0]);
    expect(text).not.toContain('[DONE]');
    // A worker started later gets the job back, finds its request gone and stops; the next request is served.
    worker = await startWorkerProcess(configFile, dataDir);
    const next = await client.chat.completions.create({ model: 'queued-model', messages });
    expect(next.choices[0]?.message.content).toBe(CONTENT);
  });
});
