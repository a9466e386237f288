import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatApiKey } from '../../src/core/api-key-format.js';
import { startMockUpstream, type MockUpstream } from '../doubles/mock-upstream.js';
import { sendRequest } from '../e2e/send-request.js';
import { aRabbitMqPrefix, deleteRabbitMqPrefix, RABBITMQ_URL } from '../reliability/rabbitmq-test-broker.js';
import { createFreshDatabase, type FreshDatabase } from './fresh-database.js';
import { startScaleOutProcess, type ScaleOutProcess } from './scale-out-process.js';

/**
 * Issue 4's scale-out mode end to end: two `slipway api` and two `slipway worker` processes on one PostgreSQL
 * database and one RabbitMQ prefix behave as the embedded mode does: each request logged once, batches complete
 * across a worker crash with each line once, limits and budgets cut off where one process cuts off, circuit
 * breakers shared, and both APIs see the same live workers.
 */

const HEARTBEAT_MS = 500;
const BATCH_LINES = 40;
// Each batch line takes this long upstream, so that the batch is still running when a worker is killed.
const LINE_DELAY_MS = 150;
const PRICE = { inputPerMillion: 1_000, outputPerMillion: 3_000 };
const adminKey = formatApiKey(randomBytes(32));

function configYaml(options: { databaseUrl: string; prefix: string; upstreamUrl: string }): string {
  return `
store: { kind: postgres, url: "${options.databaseUrl}" }
queue:
  kind: rabbitmq
  url: "${RABBITMQ_URL}"
  prefix: "${options.prefix}"
  backoff: { baseMs: 100, maxMs: 500 }
workers: { heartbeatMs: ${HEARTBEAT_MS}, concurrency: { "batch.line": 2 } }
providers:
  - { id: mock, kind: openai-compatible, baseUrl: "${options.upstreamUrl}", apiKey: upstream-key }
routes:
  - { model: chat-model, targets: [ { provider: mock, model: upstream-chat } ] }
  - { model: embed-model, kind: embeddings, targets: [ { provider: mock, model: upstream-embed } ] }
  - { model: slow-model, targets: [ { provider: mock, model: "fault:delay-${LINE_DELAY_MS}" } ] }
  - { model: priced-model, targets: [ { provider: mock, model: priced-upstream } ] }
  - model: flaky-model
    targets: [ { provider: mock, model: "fault:status-500" } ]
    retry: { maxAttempts: 1 }
    breaker: { failureThreshold: 2, cooldownMs: 600000 }
prices:
  priced-upstream: { inputPerMillion: ${PRICE.inputPerMillion}, outputPerMillion: ${PRICE.outputPerMillion} }
`;
}

let database: FreshDatabase;
let mock: MockUpstream;
let workDir: string;
const prefix = aRabbitMqPrefix('scale-out');
const apis: ScaleOutProcess[] = [];
const workers: ScaleOutProcess[] = [];
let startedIn = 0;

const api = (index: number): string => (apis[index] as ScaleOutProcess).ready;

async function post(origin: string, options: { path: string; key: string; json: unknown }) {
  return sendRequest(origin, { path: options.path, key: options.key, json: options.json });
}

async function getJson<Body>(origin: string, path: string): Promise<Body> {
  const answer = await sendRequest(origin, { path, key: adminKey });
  expect(answer.status, answer.text).toBe(200);
  return answer.json() as Body;
}

async function createKey(origin: string, body: Record<string, unknown>) {
  const answer = await post(origin, { path: '/api/keys', key: adminKey, json: body });
  expect(answer.status, answer.text).toBe(201);
  const created = answer.json() as { secret: string; key: { id: string } };
  return { secret: created.secret, id: created.key.id };
}

function chat(origin: string, options: { key: string; model: string; content?: string }) {
  return post(origin, {
    path: '/v1/chat/completions',
    key: options.key,
    json: {
      model: options.model,
      messages: [{ role: 'user', content: options.content ?? 'Say something about ships.' }],
      max_tokens: 8,
    },
  });
}

async function eventually<Value>(
  read: () => Promise<Value>,
  accept: (value: Value) => boolean,
  timeoutMs = 20_000,
): Promise<Value> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met; last value: ${JSON.stringify(value)}`);
    await sleep(100);
  }
}

/** Limits count in aligned minutes: a sequence that straddled the turn of a minute would be counted twice. */
async function awayFromMinuteTurn(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await sleep(left + 100);
}

/** Chat requests one after the other, sent to the origins in turn, stopping after the first refusal. */
async function untilRefused(options: { origins: string[]; key: string; model: string; most: number }) {
  const statuses: number[] = [];
  for (let index = 0; index < options.most; index++) {
    const origin = options.origins[index % options.origins.length] as string;
    const answer = await chat(origin, { key: options.key, model: options.model });
    statuses.push(answer.status);
    if (answer.status !== 200) {
      expect(answer.status, answer.text).toBe(429);
      break;
    }
  }
  return statuses;
}

beforeAll(async () => {
  const started = performance.now();
  database = await createFreshDatabase('slipway_scale_out');
  mock = await startMockUpstream({ content: 'A slipway launches ships into the water.' });
  workDir = mkdtempSync(join(tmpdir(), 'slipway-scale-out-'));
  const configFile = join(workDir, 'slipway.yaml');
  writeFileSync(configFile, configYaml({ databaseUrl: database.url, prefix, upstreamUrl: mock.url }));
  const env = (name: string) => ({
    SLIPWAY_CONFIG: configFile,
    SLIPWAY_DATA_DIR: join(workDir, name),
    SLIPWAY_ADMIN_KEY: adminKey,
    SLIPWAY_LOG_FLUSH_MS: '20',
  });
  // The first process migrates the database and registers the admin key alone: two doing it at the same instant
  // would race on the key's unique digest (a start-up race, not what this file is about).
  apis.push(await startScaleOutProcess('api', env('api-1')));
  const [second, ...started2] = await Promise.all([
    startScaleOutProcess('api', env('api-2')),
    startScaleOutProcess('worker', env('worker-1')),
    startScaleOutProcess('worker', env('worker-2')),
  ]);
  apis.push(second);
  workers.push(...started2);
  startedIn = performance.now() - started;
}, 120_000);

afterAll(async () => {
  await Promise.all([...apis, ...workers].map((child) => child.stop()));
  await mock?.close();
  await database?.drop();
  await deleteRabbitMqPrefix(prefix);
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
  console.info(`scale-out: four processes started in ${Math.round(startedIn)} ms`);
});

interface QueueView {
  kind: string;
  workers: Array<{ id: string; pid: number }>;
}

interface InteractionView {
  id: string;
  status: string;
  batchId: string | null;
}

describe('scale-out mode: two API processes and two workers on PostgreSQL + RabbitMQ', () => {
  it('lists both worker processes on either API', async () => {
    for (const origin of [api(0), api(1)]) {
      const queue = await eventually(
        () => getJson<QueueView>(origin, '/api/queue'),
        (view) => view.workers.length === 2,
      );
      expect(queue.kind).toBe('rabbitmq');
      expect(queue.workers.map((worker) => worker.id).sort()).toEqual(
        workers.map((worker) => worker.ready).sort(),
      );
    }
  });

  it('answers chat and embeddings through either API and logs each request once, found from either API', async () => {
    const { secret, id } = await createKey(api(0), { name: 'requests', role: 'app' });
    const marker = `harbour${randomBytes(4).toString('hex')}`;
    for (const [index, origin] of [api(0), api(1)].entries()) {
      const answer = await chat(origin, { key: secret, model: 'chat-model', content: `${marker} ${index}` });
      expect(answer.status, answer.text).toBe(200);
      const embedding = await post(origin, {
        path: '/v1/embeddings',
        key: secret,
        json: { model: 'embed-model', input: `${marker} embedded ${index}` },
      });
      expect(embedding.status, embedding.text).toBe(200);
    }
    for (const origin of [api(0), api(1)]) {
      const logged = await eventually(
        () => getJson<{ data: InteractionView[] }>(origin, `/api/interactions?key=${id}`),
        (page) => page.data.length >= 4,
      );
      expect(logged.data).toHaveLength(4);
      expect(new Set(logged.data.map((interaction) => interaction.id)).size).toBe(4);
      const found = await getJson<{ data: InteractionView[] }>(origin, `/api/interactions?q=${marker}`);
      expect(found.data).toHaveLength(4);
    }
    const [row] = await database.query<{ count: string }>(
      'select count(*) from interactions where api_key_id = $1',
      [id],
    );
    expect(Number(row?.count)).toBe(4);
  });

  it('cuts a key off at its request rate and at its budget exactly where one process does', async () => {
    const limits = { requestsPerMinute: 5 };
    const budget = { spendPerDayUsd: 0.15 };
    const rateShared = await createKey(api(0), { name: 'rate, both APIs', role: 'app', limits });
    const rateAlone = await createKey(api(1), { name: 'rate, one API', role: 'app', limits });
    const budgetShared = await createKey(api(1), { name: 'budget, both APIs', role: 'app', limits: budget });
    const budgetAlone = await createKey(api(0), { name: 'budget, one API', role: 'app', limits: budget });

    await awayFromMinuteTurn();
    const both = [api(0), api(1)];
    const rate = {
      shared: await untilRefused({ origins: both, key: rateShared.secret, model: 'chat-model', most: 20 }),
      alone: await untilRefused({ origins: [api(0)], key: rateAlone.secret, model: 'chat-model', most: 20 }),
    };
    expect(rate.shared).toEqual([200, 200, 200, 200, 200, 429]);
    expect(rate.alone).toEqual(rate.shared);

    const spend = {
      shared: await untilRefused({
        origins: both,
        key: budgetShared.secret,
        model: 'priced-model',
        most: 40,
      }),
      alone: await untilRefused({
        origins: [api(1)],
        key: budgetAlone.secret,
        model: 'priced-model',
        most: 40,
      }),
    };
    expect(spend.shared.at(-1)).toBe(429);
    expect(spend.shared.length).toBeGreaterThan(1);
    expect(spend.alone).toEqual(spend.shared);
  });

  it('shares circuit breakers: a target that failed through API 1 is refused by API 2 without a call', async () => {
    const { secret } = await createKey(api(0), { name: 'breaker', role: 'app' });
    const upstreamCalls = () => mock.requests.filter((request) => request.behaviour === 'status-500').length;
    for (let index = 0; index < 2; index++) {
      const failed = await chat(api(0), { key: secret, model: 'flaky-model' });
      expect(failed.status, failed.text).toBeGreaterThanOrEqual(500);
    }
    expect(upstreamCalls()).toBe(2);

    const refused = await chat(api(1), { key: secret, model: 'flaky-model' });
    expect(refused.status, refused.text).toBe(503);
    expect(upstreamCalls()).toBe(2);
    const routes = await getJson<{
      data: Array<{ model: string; targets: Array<{ breaker: { state: string } }> }>;
    }>(api(1), '/api/routes');
    expect(routes.data.find((route) => route.model === 'flaky-model')?.targets[0]?.breaker.state).toBe(
      'open',
    );
  });

  it('completes a batch sent to API 1 with every result, each once, read through API 2, across a worker kill', async () => {
    const { secret } = await createKey(api(0), { name: 'batch', role: 'app' });
    const first = new OpenAI({ apiKey: secret, baseURL: `${api(0)}/v1`, maxRetries: 0 });
    const second = new OpenAI({ apiKey: secret, baseURL: `${api(1)}/v1`, maxRetries: 0 });
    const customIds = Array.from({ length: BATCH_LINES }, (_, index) => `line-${index}`);
    const inputPath = join(workDir, 'batch.jsonl');
    writeFileSync(
      inputPath,
      `${customIds
        .map((customId) =>
          JSON.stringify({
            custom_id: customId,
            method: 'POST',
            url: '/v1/chat/completions',
            body: {
              model: 'slow-model',
              messages: [{ role: 'user', content: `Tell me about ${customId}.` }],
            },
          }),
        )
        .join('\n')}\n`,
    );
    const started = performance.now();
    const file = await first.files.create({ file: createReadStream(inputPath), purpose: 'batch' });
    const batch = await first.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });

    // Kill a worker once a few lines are done: it holds lines in hand, which RabbitMQ hands to the other.
    await eventually(
      () =>
        database.query<{ count: string }>('select count(*) from batch_results where batch_id = $1', [
          batch.id,
        ]),
      (rows) => Number(rows[0]?.count) >= 6,
    );
    const [victim] = workers as [ScaleOutProcess];
    await victim.kill();
    const [atKill] = await database.query<{ count: string }>(
      'select count(*) from batch_results where batch_id = $1',
      [batch.id],
    );
    expect(Number(atKill?.count)).toBeLessThan(BATCH_LINES);

    const done = await eventually(
      () => second.batches.retrieve(batch.id),
      (view) => ['completed', 'failed', 'expired', 'cancelled'].includes(view.status),
      60_000,
    );
    const tookMs = Math.round(performance.now() - started);
    expect(done.status).toBe('completed');
    expect(done.request_counts).toEqual({ total: BATCH_LINES, completed: BATCH_LINES, failed: 0 });
    const output = await (await second.files.content(done.output_file_id as string)).text();
    const lines = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { custom_id: string; response: { status_code: number } });
    expect(lines.map((line) => line.custom_id).sort()).toEqual([...customIds].sort());
    expect(lines.every((line) => line.response.status_code === 200)).toBe(true);

    const [logged] = await database.query<{ count: string }>(
      'select count(*) as count from interactions where batch_id = $1',
      [batch.id],
    );
    console.info(
      `scale-out batch: ${BATCH_LINES} lines in ${tookMs} ms; worker killed at ${atKill?.count} results; ` +
        `${logged?.count} interactions logged for the batch`,
    );
    // Results are exactly once; the interaction log is not: it is buffered for a flush interval, so a SIGKILL loses
    // the records of lines finished just before it, and a line in hand whose record was flushed runs again.
    // Either way at most the lines the victim held or had just finished (its concurrency, twice).
    expect(Math.abs(Number(logged?.count) - BATCH_LINES)).toBeLessThanOrEqual(2 * 2);
  });

  it('lists only the surviving worker on either API once the killed one misses its heartbeats', async () => {
    const survivor = workers[1] as ScaleOutProcess;
    for (const origin of [api(0), api(1)]) {
      const queue = await eventually(
        () => getJson<QueueView>(origin, '/api/queue'),
        (view) => view.workers.length === 1,
        10 * HEARTBEAT_MS,
      );
      expect(queue.workers.map((worker) => worker.id)).toEqual([survivor.ready]);
    }
  });
});
