import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionRecord } from '../../src/core/interaction.js';
import { startMockUpstream, type MockUpstream } from '../doubles/mock-upstream.js';
import { expectOpenAiError } from './expect-openai-error.js';
import { type Answer, sendRequest } from './send-request.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

const PRICED_ANSWER = 'A priced answer.';
/** USD per token of the priced model, in and out: the mock's 10 + 3 tokens cost $0.013 a call. */
const PRICE_PER_TOKEN = 0.001;
const PROJECT_SPEND_PER_DAY = 0.1;
const END_USER_RPM = 2;

let mock: MockUpstream;
let gateway: TestGateway;

beforeAll(async () => {
  mock = await startMockUpstream({ content: PRICED_ANSWER });
  gateway = await startTestGateway(`
providers:
  - { id: mock, kind: openai-compatible, baseUrl: "${mock.url}" }
routes:
  - { model: priced-model, targets: [ { provider: mock, model: gpt-priced } ] }
prices:
  gpt-priced: { inputPerMillion: ${PRICE_PER_TOKEN * 1e6}, outputPerMillion: ${PRICE_PER_TOKEN * 1e6} }
limits:
  perProject: { spendPerDayUsd: ${PROJECT_SPEND_PER_DAY} }
  perEndUser: { requestsPerMinute: ${END_USER_RPM} }
`);
});
afterAll(async () => {
  await gateway.close();
  await mock.close();
});

const messages = [
  { role: 'system', content: 'Refunds are accepted within 30 days of purchase.' },
  { role: 'user', content: 'How long do I have for a refund?' },
];

/**
 * Per-minute counters live in windows aligned to the clock's minute; a test that needs several requests in one
 * window starts it afresh when the current one is about to end.
 */
async function awayFromMinuteEdge(neededMs = 5_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < neededMs) await sleep(left + 50);
}

function chat(
  key: string,
  options: { body?: Record<string, unknown>; headers?: Record<string, string> } = {},
) {
  return sendRequest(gateway.baseUrl, {
    path: '/v1/chat/completions',
    key,
    json: { model: 'offline-extractive', messages, ...options.body },
    ...(options.headers ? { headers: options.headers } : {}),
  });
}

async function createKey(body: Record<string, unknown>): Promise<string> {
  const answer = await sendRequest(gateway.baseUrl, {
    path: '/api/keys',
    key: gateway.adminKey,
    json: { role: 'app', ...body },
  });
  expect(answer.status, answer.text).toBe(201);
  return (answer.json() as { secret: string }).secret;
}

async function logged(answer: Answer): Promise<InteractionRecord> {
  await gateway.flushLog();
  const record = await gateway.app.store.getInteraction(answer.headers['x-slipway-interaction-id'] ?? '');
  if (!record) throw new Error(`no interaction for ${answer.text}`);
  return record;
}

/** Runs `run` and returns the interactions it added to the log. */
async function interactionsAddedBy(run: () => Promise<unknown>): Promise<InteractionRecord[]> {
  await gateway.flushLog();
  const before = new Set(
    (await gateway.app.store.listInteractions({ limit: 500 })).items.map((item) => item.id),
  );
  await run();
  await gateway.flushLog();
  const after = await gateway.app.store.listInteractions({ limit: 500 });
  const added = after.items.filter((item) => !before.has(item.id));
  return Promise.all(
    added.map(async (item) => {
      const record = await gateway.app.store.getInteraction(item.id);
      if (!record) throw new Error(`interaction ${item.id} listed but not found`);
      return record;
    }),
  );
}

function expectUsage(answer: Answer): { prompt_tokens: number; total_tokens: number } {
  expect(answer.status, answer.text).toBe(200);
  return (answer.json() as { usage: { prompt_tokens: number; total_tokens: number } }).usage;
}

describe('per-key requests per minute', () => {
  it('refuses the 4th request of a key limited to 3, with the rate-limit headers, and logs it', async () => {
    await awayFromMinuteEdge();
    const key = await createKey({ name: 'three a minute', limits: { requestsPerMinute: 3 } });
    for (let request = 0; request < 3; request++) expect((await chat(key)).status).toBe(200);

    let denied: Answer | undefined;
    const added = await interactionsAddedBy(async () => {
      denied = await chat(key);
    });
    if (!denied) throw new Error('no answer');
    expectOpenAiError(denied, 'rate_limited');
    expect((denied.json() as { error: { type: string } }).error.type).toBe('rate_limit_error');
    const retryAfter = Number(denied.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(denied.headers).toMatchObject({
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': expect.stringMatching(/^\d+s$/),
    });
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({
      status: 'error',
      errorCode: 'rate_limited',
      modelRequested: 'offline-extractive',
      attempts: [],
    });

    // Other keys of the same project are not affected.
    expect((await chat(gateway.appKey)).status).toBe(200);
  });

  it('surfaces as RateLimitError in the OpenAI SDK', async () => {
    await awayFromMinuteEdge();
    const key = await createKey({ name: 'one a minute', limits: { requestsPerMinute: 1 } });
    const client = new OpenAI({ baseURL: `${gateway.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
    const typedMessages = [{ role: 'user' as const, content: 'How long do I have for a refund?' }];
    await client.chat.completions.create({ model: 'offline-extractive', messages: typedMessages });
    const error: unknown = await client.chat.completions
      .create({ model: 'offline-extractive', messages: typedMessages })
      .catch((thrown: unknown) => thrown);
    if (!(error instanceof OpenAI.RateLimitError))
      throw new Error(`expected a RateLimitError, got ${String(error)}`);
    expect(error).toMatchObject({ status: 429, code: 'rate_limited', type: 'rate_limit_error' });
    expect(error.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

describe('per-key tokens per minute', () => {
  it('reserves prompt plus maximum output, and settles to the tokens actually used', async () => {
    const limit = 1_000;
    await awayFromMinuteEdge();
    const key = await createKey({ name: 'thousand tokens', limits: { tokensPerMinute: limit } });

    const first = expectUsage(await chat(key, { body: { max_tokens: 50 } }));
    const prompt = first.prompt_tokens;

    // Alone, its worst case is over the limit.
    const tooBig = await chat(key, { body: { max_tokens: limit } });
    expectOpenAiError(tooBig, 'rate_limited');
    expect(tooBig.headers).toMatchObject({
      'x-ratelimit-limit-tokens': String(limit),
      'x-ratelimit-remaining-tokens': String(limit - first.total_tokens),
    });

    // Exactly what is left fits; one token more no longer does.
    const second = expectUsage(
      await chat(key, { body: { max_tokens: limit - first.total_tokens - prompt } }),
    );
    const used = first.total_tokens + second.total_tokens;
    const overByOne = await chat(key, { body: { max_tokens: limit - used - prompt + 1 } });
    expectOpenAiError(overByOne, 'rate_limited');
    expect(overByOne.headers['x-ratelimit-remaining-tokens']).toBe(String(limit - used));
    expect((await chat(key, { body: { max_tokens: limit - used - prompt } })).status).toBe(200);
  });
});

describe('per-end-user limits', () => {
  const userOf = async (answer: Answer) => (await logged(answer)).endUser;

  it('counts each end user apart, taking x-slipway-end-user over the body', async () => {
    await awayFromMinuteEdge();
    const key = gateway.appKey;
    for (let request = 0; request < END_USER_RPM; request++) {
      expect((await chat(key, { body: { user: 'alice' } })).status).toBe(200);
    }
    const denied = await chat(key, { body: { user: 'alice' } });
    expect(expectOpenAiError(denied, 'rate_limited').message).toMatch(/user:[^:]+:alice:rpm/);
    expect(denied.headers['x-ratelimit-limit-requests']).toBe(String(END_USER_RPM));

    expect((await chat(key, { body: { user: 'bob' } })).status).toBe(200);
    // Requests with no end user are not subject to the per-end-user limit.
    expect((await chat(key)).status).toBe(200);

    const asCarol = await chat(key, { body: { user: 'alice' }, headers: { 'x-slipway-end-user': 'carol' } });
    expect(asCarol.status, asCarol.text).toBe(200);
    expect(await userOf(asCarol)).toBe('carol');
    let asAlice: Answer | undefined;
    const added = await interactionsAddedBy(async () => {
      asAlice = await chat(key, { body: { user: 'dave' }, headers: { 'x-slipway-end-user': 'alice' } });
    });
    if (!asAlice) throw new Error('no answer');
    expectOpenAiError(asAlice, 'rate_limited');
    expect(added.map((record) => [record.endUser, record.errorCode])).toEqual([['alice', 'rate_limited']]);

    // The embeddings endpoint counts into the same end-user window.
    const embedding = await sendRequest(gateway.baseUrl, {
      path: '/v1/embeddings',
      key,
      json: { model: 'offline-hashed-ngrams', input: 'refunds', user: 'alice' },
    });
    expectOpenAiError(embedding, 'rate_limited');
  });

  it('counts the same end-user name apart in another project', async () => {
    await awayFromMinuteEdge();
    await sendRequest(gateway.baseUrl, {
      path: '/api/projects',
      key: gateway.adminKey,
      json: { name: 'other' },
    });
    const key = await createKey({ name: 'other app', project: 'other' });
    for (let request = 0; request < END_USER_RPM; request++) {
      expect((await chat(key, { body: { user: 'erin' } })).status).toBe(200);
    }
    expect((await chat(gateway.appKey, { body: { user: 'erin' } })).status).toBe(200);
  });
});

describe('per-project spend per day', () => {
  it('refuses with budget_exceeded once the reservation would pass the budget, after charging actual cost', async () => {
    await sendRequest(gateway.baseUrl, {
      path: '/api/projects',
      key: gateway.adminKey,
      json: { name: 'spenders' },
    });
    const key = await createKey({ name: 'spender', project: 'spenders' });
    const priced = () =>
      chat(key, {
        body: { model: 'priced-model', max_tokens: 10, messages: [{ role: 'user', content: 'Hi?' }] },
      });
    mock.requests.length = 0;

    const served: Answer[] = [];
    let denied: Answer | undefined;
    const added = await interactionsAddedBy(async () => {
      for (let request = 0; request < 20 && denied === undefined; request++) {
        const answer = await priced();
        if (answer.status === 200) served.push(answer);
        else denied = answer;
      }
    });
    if (!denied) throw new Error('the budget never ran out');
    // Each call costs $0.013 but reserves more (its max_tokens at the highest price): a few calls fit, not all.
    expect(served.length).toBeGreaterThanOrEqual(2);
    expect(mock.requests).toHaveLength(served.length);

    const error = expectOpenAiError(denied, 'budget_exceeded');
    expect(error.type).toBe('insufficient_quota');
    const costs = await Promise.all(served.map(async (answer) => (await logged(answer)).costUsd));
    for (const cost of costs) expect(cost).toBeCloseTo(13 * PRICE_PER_TOKEN, 9);
    const spent = costs.reduce((sum, cost) => sum + cost, 0);
    expect(denied.headers['x-ratelimit-limit-budget-usd']).toBe(String(PROJECT_SPEND_PER_DAY));
    expect(Number(denied.headers['x-ratelimit-remaining-budget-usd'])).toBeCloseTo(
      PROJECT_SPEND_PER_DAY - spent,
      6,
    );
    const untilMidnight = Math.ceil((86_400_000 - (Date.now() % 86_400_000)) / 1000);
    expect(Number(denied.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(denied.headers['retry-after'])).toBeLessThanOrEqual(untilMidnight + 1);

    const failed = added.filter((record) => record.status !== 'success');
    expect(added).toHaveLength(served.length + 1);
    expect(failed).toEqual([
      expect.objectContaining({ status: 'error', errorCode: 'budget_exceeded', attempts: [], costUsd: 0 }),
    ]);

    const client = new OpenAI({ baseURL: `${gateway.baseUrl}/v1`, apiKey: key, maxRetries: 0 });
    await expect(
      client.chat.completions.create({
        model: 'priced-model',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'Once more?' }],
      }),
    ).rejects.toSatisfy(
      (thrown: unknown) =>
        thrown instanceof OpenAI.RateLimitError && thrown.code === 'budget_exceeded' && thrown.status === 429,
    );
    expect(mock.requests).toHaveLength(served.length);
    // Free models stay callable: the budget only refuses what would spend.
    expect((await chat(key)).status).toBe(200);
  });
});
