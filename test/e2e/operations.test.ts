import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/config-schema.js';
import { SlipwayError } from '../../src/core/errors.js';
import { startMockUpstream, type MockUpstream } from '../doubles/mock-upstream.js';
import { expectOpenAiError } from './expect-openai-error.js';
import { type Answer, sendRequest } from './send-request.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

const FRAGILE_THRESHOLD = 2;

let mock: MockUpstream;
let gateway: TestGateway;
const serverErrors: unknown[] = [];

const mockProvider = () => `  - { id: mock, kind: openai-compatible, baseUrl: "${mock.url}" }`;
const initialConfig = () => `
providers:
${mockProvider()}
routes:
  - { model: slow-model, targets: [ { provider: mock, model: "fault:delay-300" } ] }
  - { model: slow-stream, targets: [ { provider: mock, model: "fault:slow-10x30" } ] }
  - model: fragile
    targets: [ { provider: mock, model: "fault:503" } ]
    retry: { maxAttempts: 1 }
    breaker: { failureThreshold: ${FRAGILE_THRESHOLD}, cooldownMs: 600000 }
`;
const reloadedConfig = () => `
providers:
${mockProvider()}
routes:
  - { model: new-model, targets: [ { provider: mock, model: mock-model } ] }
`;

beforeAll(async () => {
  mock = await startMockUpstream({ content: 'Launched from the slipway.' });
  gateway = await startTestGateway(initialConfig(), serverErrors);
});
afterAll(async () => {
  await gateway.close();
  await mock.close();
});

const get = (path: string, key?: string) => sendRequest(gateway.baseUrl, { path, key: key ?? null });
const chat = (model: string, extra: Record<string, unknown> = {}) =>
  sendRequest(gateway.baseUrl, {
    path: '/v1/chat/completions',
    key: gateway.appKey,
    json: { model, messages: [{ role: 'user', content: 'Tell me about ships.' }], ...extra },
  });

/** A loopback port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The value of one series in Prometheus text, or undefined when it is not exposed. */
function sampleOf(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((label) => [label[1], label[2]]),
    );
    if (Object.entries(labels).every(([label, value]) => found[label] === value)) return Number(match[3]);
  }
  return undefined;
}

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 2_000) throw new Error('condition not met within 2 s');
    await sleep(5);
  }
}

const mockCallsFor = (model: string) =>
  mock.requests.filter((request) => (request.body as { model?: string } | undefined)?.model === model).length;

describe('health and readiness', () => {
  it('answers /healthz', async () => {
    const answer = await get('/healthz');
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz with the store and every provider checked', async () => {
    const answer = await get('/readyz');
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json()).toEqual({
      status: 'ready',
      ok: true,
      checks: { store: { ok: true }, 'provider:offline': { ok: true }, 'provider:mock': { ok: true } },
    });
  });

  it('answers /readyz with 503 while a configured upstream is down, and stays live', async () => {
    const down = await startTestGateway(`
providers:
  - { id: down, kind: openai-compatible, baseUrl: "http://127.0.0.1:${await closedPort()}/v1" }
`);
    try {
      const answer = await sendRequest(down.baseUrl, { path: '/readyz' });
      expect(answer.status, answer.text).toBe(503);
      expect(answer.json()).toMatchObject({
        status: 'not_ready',
        ok: false,
        checks: {
          store: { ok: true },
          'provider:offline': { ok: true },
          'provider:down': { ok: false, error: expect.any(String) },
        },
      });
      expect((await sendRequest(down.baseUrl, { path: '/healthz' })).status).toBe(200);
    } finally {
      await down.close();
    }
  });
});

describe('metrics', () => {
  it('exposes requests, rejections, attempts, breaker state and the log writer queue depth', async () => {
    expect((await chat('offline-extractive')).status).toBe(200);
    expect((await chat('offline-extractive')).status).toBe(200);
    expectOpenAiError(await sendRequest(gateway.baseUrl, { path: '/v1/models', key: 'sk-slw-nope' }));
    const answer = await get('/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/plain/);
    const text = answer.text;
    const offline = { model: 'offline-extractive', target: 'offline/offline-extractive' };
    expect(
      sampleOf(text, 'slipway_requests_total', {
        endpoint: 'chat.completions',
        status: 'success',
        ...offline,
      }),
    ).toBeGreaterThanOrEqual(2);
    expect(sampleOf(text, 'slipway_rejections_total', { code: 'unauthorized' })).toBeGreaterThanOrEqual(1);
    expect(
      sampleOf(text, 'slipway_upstream_attempts_total', { target: offline.target, status: 'success' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      sampleOf(text, 'slipway_request_duration_seconds_count', { model: offline.model, status: 'success' }),
    ).toBeGreaterThanOrEqual(2);
    expect(sampleOf(text, 'slipway_tokens_total', { model: offline.model, kind: 'prompt' })).toBeGreaterThan(
      0,
    );
    expect(sampleOf(text, 'slipway_breaker_state', { target: offline.target })).toBe(0);
    expect(sampleOf(text, 'slipway_log_writer_queue_depth')).toBeGreaterThanOrEqual(0);
    expect(sampleOf(text, 'slipway_log_writer_spilled_total')).toBe(0);
    expect(sampleOf(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });
});

describe('circuit breaker', () => {
  it("opens after a route's failure threshold, shows it in /api/routes and /metrics, and stops calling", async () => {
    for (let failure = 0; failure < FRAGILE_THRESHOLD; failure++) {
      expectOpenAiError(await chat('fragile'), 'upstream_unavailable');
    }
    expect(mockCallsFor('fault:503')).toBe(FRAGILE_THRESHOLD);

    const routes = (await get('/api/routes', gateway.adminKey)).json() as {
      data: Array<{ model: string; targets: Array<{ breaker: Record<string, unknown> }> }>;
    };
    const fragile = routes.data.find((route) => route.model === 'fragile');
    expect(fragile?.targets[0]?.breaker).toEqual({
      state: 'open',
      consecutiveFailures: FRAGILE_THRESHOLD,
      openedAt: expect.any(Number),
    });
    const others = routes.data.filter((route) => route.model !== 'fragile');
    for (const route of others) expect(route.targets[0]?.breaker.state).toBe('closed');

    expectOpenAiError(await chat('fragile'), 'upstream_unavailable');
    expect(mockCallsFor('fault:503')).toBe(FRAGILE_THRESHOLD);
    expect(
      sampleOf((await get('/metrics')).text, 'slipway_breaker_state', { target: 'mock/fault:503' }),
    ).toBe(2);
  });
});

describe('configuration reload', () => {
  function expectStreamCompleted(answer: Answer): void {
    expect(answer.status, answer.text).toBe(200);
    const events = answer.text.split('\n\n').filter((event) => event !== '');
    expect(events.at(-1)).toBe('data: [DONE]');
    const text = events
      .slice(0, -1)
      .map(
        (event) =>
          JSON.parse(event.slice('data: '.length)) as { choices: Array<{ delta: { content?: string } }> },
      )
      .map((chunk) => chunk.choices[0]?.delta.content ?? '')
      .join('');
    expect(text).toBe('tok '.repeat(10));
  }

  it('serves new routes from the next request while requests in flight on the old ones complete', async () => {
    const inFlight = chat('slow-model');
    const inFlightStream = chat('slow-stream', { stream: true });
    await waitUntil(() => mockCallsFor('fault:delay-300') === 1 && mockCallsFor('fault:slow-10x30') === 1);

    gateway.app.reloadRoutes(gateway.loadConfig(reloadedConfig()), 2_000);

    const fresh = await chat('new-model');
    expect(fresh.status, fresh.text).toBe(200);
    expect(fresh.headers['x-slipway-target']).toBe('mock/mock-model');
    expect(expectOpenAiError(await chat('slow-model'), 'not_found').param).toBe('model');

    const completed = await inFlight;
    expect(completed.status, completed.text).toBe(200);
    expect(completed.json()).toMatchObject({
      choices: [{ message: { content: 'Launched from the slipway.' } }],
    });
    expectStreamCompleted(await inFlightStream);

    await gateway.flushLog();
    for (const answer of [completed, fresh]) {
      const record = await gateway.app.store.getInteraction(answer.headers['x-slipway-interaction-id'] ?? '');
      expect(record?.status).toBe('success');
    }
    const models = ((await get('/api/routes', gateway.adminKey)).json() as { data: Array<{ model: string }> })
      .data;
    expect(models.map((route) => route.model)).toEqual([
      'new-model',
      'offline-extractive',
      'offline-hashed-ngrams',
    ]);
  });

  it('rejects a configuration whose route names an unknown provider, and keeps serving the current routes', async () => {
    const unknownProvider = `
providers:
${mockProvider()}
routes:
  - { model: ghost-model, targets: [ { provider: ghost, model: x } ] }
`;
    expect(() => gateway.loadConfig(unknownProvider)).toThrow(/unknown provider "ghost"/);

    // A configuration built past the schema is refused by the reload itself.
    const current = gateway.loadConfig(reloadedConfig());
    const [template] = current.routes;
    if (!template) throw new Error('no route');
    const broken = {
      ...current,
      routes: [
        ...current.routes,
        { ...template, model: 'ghost-model', targets: [{ providerId: 'ghost', model: 'x', weight: 1 }] },
      ],
    } as Config;
    let thrown: unknown;
    try {
      gateway.app.reloadRoutes(broken, 0);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(SlipwayError);
    expect(thrown).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/ghost/) });

    expect((await chat('new-model')).status).toBe(200);
    expect(expectOpenAiError(await chat('ghost-model'), 'not_found').param).toBe('model');
    expect((await get('/readyz')).status).toBe(200);
    expect(serverErrors).toEqual([]);
  });
});
