import OpenAI from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InteractionRecord } from '../../src/core/interaction.js';
import { createJobHandlerRegistry } from '../../src/worker/job-handler-registry.js';
import type { RunningWorkers } from '../../src/worker/run-workers.js';
import { startWorkers } from '../../src/worker/start-workers.js';
import { startMockUpstream, type MockUpstream } from '../doubles/mock-upstream.js';
import { expectOpenAiError } from './expect-openai-error.js';
import { sendRequest } from './send-request.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

const CONTENT = 'A slipway launches ships into the water.';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const messages = [{ role: 'user' as const, content: 'Say something about ships.' }];

let mock: MockUpstream;
let gateway: TestGateway;
let workers: RunningWorkers;
let client: OpenAI;
const errors: unknown[] = [];

const startTheWorkers = async () => {
  workers = await startWorkers(gateway.app, createJobHandlerRegistry(), (_message, error) =>
    errors.push(error),
  );
};

async function eventually<Value>(read: () => Promise<Value> | Value, accept: (value: Value) => boolean) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Every interaction recorded from now on, once `count` of them are stored. */
async function interactionsAfter(run: () => Promise<unknown>, count: number) {
  await gateway.flushLog();
  const before = new Set(
    (await gateway.app.store.listInteractions({ limit: 500 })).items.map((item) => item.id),
  );
  const outcome = await run().catch((error: unknown) => error);
  const added = await eventually(
    async () => {
      await gateway.flushLog();
      return (await gateway.app.store.listInteractions({ limit: 500 })).items.filter(
        (item) => !before.has(item.id),
      );
    },
    (items) => items.length >= count,
  );
  const records: InteractionRecord[] = [];
  for (const item of added) {
    const record = await gateway.app.store.getInteraction(item.id);
    if (record) records.push(record);
  }
  return { outcome, records };
}

beforeAll(async () => {
  mock = await startMockUpstream({ content: CONTENT });
  gateway = await startTestGateway(
    `
providers:
  - { id: mock, kind: openai-compatible, baseUrl: "${mock.url}" }
routes:
  - model: queued-model
    targets: [ { provider: mock, model: gpt-4o-mini } ]
    retry: { maxAttempts: 1 }
    dispatch: queued
  - model: direct-model
    targets: [ { provider: mock, model: gpt-4o-mini } ]
    retry: { maxAttempts: 1 }
queue:
  pollIntervalMs: 10
  backoff: { baseMs: 10, maxMs: 20 }
  dispatch: { maxDepth: 2, retryAfterMs: 2000, heartbeatMs: 100, jobTimeoutMs: 5000 }
`,
    errors,
  );
  await startTheWorkers();
  client = new OpenAI({ baseURL: `${gateway.baseUrl}/v1`, apiKey: gateway.appKey, maxRetries: 0 });
});

afterAll(async () => {
  await workers.stop();
  await gateway.close();
  await mock.close();
});

beforeEach(() => {
  mock.requests.length = 0;
});

describe('queued dispatch on the embedded queue', () => {
  it('answers a non-stream request through a worker, logged once as queued, continuing the trace', async () => {
    const { outcome, records } = await interactionsAfter(
      () =>
        client.chat.completions
          .create(
            { model: 'queued-model', messages },
            { headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` } },
          )
          .withResponse(),
      1,
    );
    const { data, response } = outcome as Awaited<
      ReturnType<ReturnType<typeof client.chat.completions.create>['withResponse']>
    >;
    expect((data as OpenAI.ChatCompletion).choices[0]?.message.content).toBe(CONTENT);
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(response.headers.get('x-slipway-interaction-id')).toBe(record?.id);
    expect(response.headers.get('x-slipway-target')).toBe('mock/gpt-4o-mini');
    expect(record).toMatchObject({ status: 'success', variant: 'queued', modelRequested: 'queued-model' });
    expect(record?.trace?.traceId).toBe(TRACE_ID);
    expect(mock.requests).toHaveLength(1);
  });

  it('leaves a direct route in the API process (no variant)', async () => {
    const { records } = await interactionsAfter(
      () => client.chat.completions.create({ model: 'direct-model', messages }),
      1,
    );
    expect(records[0]?.variant).toBeNull();
  });

  it('streams through a worker with the OpenAI SDK', async () => {
    const stream = await client.chat.completions.create({ model: 'queued-model', messages, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(CONTENT);
  });

  it('answers an upstream failure as the direct route would', async () => {
    mock.enqueue('status-400');
    const answer = await sendRequest(gateway.baseUrl, {
      path: '/v1/chat/completions',
      key: gateway.appKey,
      json: { model: 'queued-model', messages },
    });
    expectOpenAiError(answer, 'invalid_request');
  });

  it('sheds requests beyond queue.dispatch.maxDepth with 503 and Retry-After', async () => {
    mock.enqueue('delay-600', 'delay-600');
    const slow = [1, 2].map(() => client.chat.completions.create({ model: 'queued-model', messages }));
    await eventually(
      () => mock.requests.length,
      (count) => count === 2,
    );
    const answer = await sendRequest(gateway.baseUrl, {
      path: '/v1/chat/completions',
      key: gateway.appKey,
      json: { model: 'queued-model', messages },
    });
    expectOpenAiError(answer, 'overloaded');
    expect(answer.headers['retry-after']).toBe('2');
    await Promise.all(slow);
  });

  it('cancels the worker run when the client goes away', async () => {
    mock.enqueue('slow-100x30');
    const controller = new AbortController();
    const { records } = await interactionsAfter(async () => {
      const stream = await client.chat.completions.create(
        { model: 'queued-model', messages, stream: true },
        { signal: controller.signal },
      );
      for await (const _chunk of stream) controller.abort();
    }, 1);
    expect(records[0]).toMatchObject({ status: 'incomplete', errorCode: 'client_closed', variant: 'queued' });
    // Aborted within a few chunks of the 100 the upstream would have sent over 3 s.
    expect(records[0]?.latencyMs).toBeLessThan(2_000);
  });

  it('retries transparently when the worker stops before the first byte reached the client', async () => {
    mock.enqueue('hang');
    const answering = client.chat.completions.create({ model: 'queued-model', messages, stream: true });
    await eventually(
      () => mock.requests.length,
      (count) => count === 1,
    );
    // A worker stopping mid-job gives the job back, as a killed one would after its lease.
    await workers.stop();
    await startTheWorkers();
    let text = '';
    for await (const chunk of await answering) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(CONTENT);
    expect(mock.requests).toHaveLength(2);
  });

  it('ends with one error frame when the worker stops after the first byte', async () => {
    mock.enqueue('slow-100x30');
    const response = await request(`${gateway.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.appKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'queued-model', messages, stream: true }),
    });
    expect(response.statusCode).toBe(200);
    let text = '';
    let stopped: Promise<void> | undefined;
    for await (const part of response.body) {
      text += (part as Buffer).toString('utf8');
      // The first chunk reached the client: the worker goes (and none takes its place).
      stopped ??= workers.stop();
    }
    await stopped;
    await startTheWorkers();
    const frames = text.split('\n\n').filter((frame) => frame.startsWith('data: '));
    const errorFrames = frames.filter((frame) => frame.includes('"error"'));
    expect(errorFrames).toHaveLength(1);
    expect(frames.at(-1)).toBe(errorFrames[0]);
    expect(text).not.toContain('[DONE]');
    expect(JSON.parse(errorFrames[0]?.slice('data: '.length) ?? '')).toMatchObject({
      error: { code: 'upstream_unavailable' },
    });
  });
});
