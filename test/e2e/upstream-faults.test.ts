import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InteractionRecord } from '../../src/core/interaction.js';
import { startMockUpstream, type MockUpstream } from '../doubles/mock-upstream.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

let mock: MockUpstream;
let gateway: TestGateway;
let client: OpenAI;

const messages = [{ role: 'user' as const, content: 'Say something about ships.' }];

beforeAll(async () => {
  mock = await startMockUpstream({ content: 'A slipway launches ships into the water.' });
  gateway = await startTestGateway(`
providers:
  - { id: primary, kind: openai-compatible, baseUrl: "${mock.url}", apiKey: upstream-key }
  - { id: secondary, kind: openai-compatible, baseUrl: "${mock.url}" }
routes:
  - model: mock-model
    targets: [ { provider: primary, model: gpt-4o-mini }, { provider: secondary, model: gpt-4o-mini } ]
    contextFallbacks: [ { provider: secondary, model: big-context-model } ]
    retry: { maxAttempts: 2, initialDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 2000 }
    timeouts: { firstTokenMs: 300, totalMs: 400 }
    breaker: { failureThreshold: 1000 }
`);
  client = new OpenAI({ baseURL: `${gateway.baseUrl}/v1`, apiKey: gateway.appKey, maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await mock.close();
});
beforeEach(() => {
  mock.requests.length = 0;
});

/** Runs one client request and returns the single interaction it produced (failing if there is not exactly one). */
async function onlyInteractionOf(
  run: () => Promise<unknown>,
): Promise<{ record: InteractionRecord; outcome: unknown }> {
  await gateway.flushLog();
  const before = await gateway.app.store.listInteractions({ limit: 500 });
  const outcome = await run().catch((error: unknown) => error);
  // Stream endings are recorded as the iteration ends; give the writer its turn.
  await new Promise((resolve) => setTimeout(resolve, 20));
  await gateway.flushLog();
  const after = await gateway.app.store.listInteractions({ limit: 500 });
  const known = new Set(before.items.map((item) => item.id));
  const added = after.items.filter((item) => !known.has(item.id));
  expect(added).toHaveLength(1);
  const record = await gateway.app.store.getInteraction(added[0]?.id ?? '');
  if (!record) throw new Error('interaction not found');
  return { record, outcome };
}

const complete = () => client.chat.completions.create({ model: 'mock-model', messages });

async function streamText(signal?: AbortSignal): Promise<string> {
  const stream = await client.chat.completions.create(
    { model: 'mock-model', messages, stream: true },
    { signal },
  );
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

const attemptSummary = (record: InteractionRecord) =>
  record.attempts.map(
    (attempt) => `${attempt.providerId}:${attempt.status}:${attempt.upstreamStatus ?? '-'}`,
  );

describe('non-stream faults', () => {
  it('honours Retry-After on a 429, then succeeds on the same target', async () => {
    mock.enqueue('status-429', 'ok');
    const started = performance.now();
    const { record, outcome } = await onlyInteractionOf(complete);
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    expect((outcome as OpenAI.ChatCompletion).choices[0]?.message.content).toContain('slipway');
    expect(attemptSummary(record)).toEqual(['primary:error:429', 'primary:success:-']);
    expect(record.status).toBe('success');
    expect(mock.requests[0]?.headers.authorization).toBe('Bearer upstream-key');
  });

  it('falls back to the next target after retryable 5xx failures', async () => {
    mock.enqueue('status-500', 'status-503', 'ok');
    const { record } = await onlyInteractionOf(complete);
    expect(attemptSummary(record)).toEqual(['primary:error:500', 'primary:error:503', 'secondary:success:-']);
    expect(record.target).toBe('secondary/gpt-4o-mini');
  });

  it('retries a connection reset', async () => {
    mock.enqueue('reset', 'ok');
    const { record } = await onlyInteractionOf(complete);
    expect(record.attempts.map((attempt) => attempt.status)).toEqual(['error', 'success']);
    expect(record.attempts[0]?.errorCode).toBe('upstream_unavailable');
  });

  it('times out a hanging upstream and falls back', async () => {
    mock.enqueue('hang', 'hang', 'ok');
    const { record } = await onlyInteractionOf(complete);
    expect(record.attempts.map((attempt) => attempt.errorCode ?? 'ok')).toEqual(['timeout', 'timeout', 'ok']);
    expect(record.status).toBe('success');
  });

  it('answers 503 in OpenAI shape when every attempt fails, and logs each attempt', async () => {
    mock.enqueue('status-503', 'status-503', 'status-503', 'status-503');
    const { record, outcome } = await onlyInteractionOf(complete);
    expect(outcome).toBeInstanceOf(OpenAI.InternalServerError);
    expect(outcome).toMatchObject({ status: 503, code: 'upstream_unavailable' });
    expect(record).toMatchObject({ status: 'error', errorCode: 'upstream_unavailable', target: null });
    expect(record.attempts).toHaveLength(4);
  });

  it('does not retry a 400', async () => {
    mock.enqueue('status-400');
    const { record, outcome } = await onlyInteractionOf(complete);
    expect(outcome).toBeInstanceOf(OpenAI.BadRequestError);
    expect(record.attempts).toHaveLength(1);
  });

  it('sends a prompt too long for every target to the context fallback', async () => {
    mock.enqueue('context-length', 'ok');
    const { record } = await onlyInteractionOf(complete);
    expect(record.target).toBe('secondary/big-context-model');
    expect(record.attempts.map((attempt) => attempt.model)).toEqual(['gpt-4o-mini', 'big-context-model']);
    expect((mock.requests[1]?.body as { model: string }).model).toBe('big-context-model');
  });

  it('reports an invalid JSON body as a retryable upstream error', async () => {
    mock.enqueue('invalid-json-chunk', 'ok');
    const { record } = await onlyInteractionOf(complete);
    expect(record.attempts[0]?.errorCode).toBe('upstream_error');
    expect(record.status).toBe('success');
  });
});

describe('stream faults', () => {
  it('retries freely before the first chunk', async () => {
    mock.enqueue('status-500', 'reset', 'ok');
    const { record, outcome } = await onlyInteractionOf(() => streamText());
    expect(outcome).toBe('A slipway launches ships into the water.');
    expect(record).toMatchObject({ status: 'success', stream: true, target: 'secondary/gpt-4o-mini' });
    expect(record.attempts).toHaveLength(3);
    expect(record.ttftMs).not.toBeNull();
  });

  it('falls back when the first token does not come in time', async () => {
    mock.enqueue('hang', 'hang', 'ok');
    const { record } = await onlyInteractionOf(() => streamText());
    expect(record.attempts.map((attempt) => attempt.errorCode ?? 'ok')).toEqual(['timeout', 'timeout', 'ok']);
  });

  for (const fault of ['cut-stream', 'invalid-json-chunk', 'error-chunk', 'reset-mid-stream'] as const) {
    it(`ends the client stream with one error event after the first byte (${fault})`, async () => {
      mock.enqueue(fault);
      const { record, outcome } = await onlyInteractionOf(() => streamText());
      expect(outcome).toBeInstanceOf(OpenAI.APIError);
      expect(record.status).toBe('incomplete');
      expect(record.errorCode).toBe('upstream_error');
      expect(record.attempts).toHaveLength(1);
      expect(JSON.stringify(record.response)).toContain('A slipway');
    });
  }

  it('writes exactly one error frame and no [DONE] on the wire', async () => {
    mock.enqueue('cut-stream');
    const response = await fetch(`${gateway.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.appKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-model', messages, stream: true }),
    });
    expect(response.status).toBe(200);
    const events = (await response.text()).split('\n\n').filter((event) => event.length > 0);
    const errors = events.filter((event) => event.includes('"error"'));
    expect(errors).toHaveLength(1);
    expect(events.at(-1)).toBe(errors[0]);
    expect(JSON.parse(errors[0]?.slice('data: '.length) ?? '')).toMatchObject({
      error: { code: 'upstream_error' },
    });
    expect(events).not.toContain('data: [DONE]');
  });

  it('aborts the upstream and logs client_closed when the client disconnects', async () => {
    mock.enqueue('slow-50x20');
    const controller = new AbortController();
    const { record } = await onlyInteractionOf(async () => {
      const stream = await client.chat.completions.create(
        { model: 'mock-model', messages, stream: true },
        { signal: controller.signal },
      );
      let seen = 0;
      for await (const _chunk of stream) {
        if (++seen === 3) controller.abort();
      }
    });
    expect(record.status).toBe('incomplete');
    expect(record.errorCode).toBe('client_closed');
    expect(record.latencyMs).toBeLessThan(50 * 20);
  });
});
