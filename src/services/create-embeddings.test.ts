import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddingRequest } from '../core/chat.js';
import { SlipwayError } from '../core/errors.js';
import { embeddingsOf } from '../../test/doubles/fake-model-provider.js';
import { CALLER, LIMITS, embedRoute, chatRoute, gatewayHarness } from '../../test/doubles/gateway-harness.js';
import { makeCreateEmbeddings } from './create-embeddings.js';
import type { CreateEmbeddingsInput } from './create-embeddings.js';

const harnesses: Array<ReturnType<typeof gatewayHarness>> = [];

function setup(options: Parameters<typeof gatewayHarness>[0] = {}) {
  const harness = gatewayHarness(options);
  harnesses.push(harness);
  const createEmbeddings = makeCreateEmbeddings(harness.deps);
  const call = (overrides: Partial<CreateEmbeddingsInput> = {}) =>
    createEmbeddings({
      caller: CALLER,
      request: { model: 'embed', input: ['first text here', 'second'] },
      endUser: null,
      signal: new AbortController().signal,
      ...overrides,
    });
  return { ...harness, call };
}

afterEach(() => {
  for (const harness of harnesses.splice(0)) {
    expect(harness.ledger.outstanding()).toEqual([]);
    expect(harness.backgroundErrors).toEqual([]);
  }
});

async function failure(promise: Promise<unknown>): Promise<SlipwayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SlipwayError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

function reservedTokens(h: ReturnType<typeof setup>): number | undefined {
  const reserve = h.ledger.calls[0];
  if (reserve?.method !== 'reserve') return undefined;
  return reserve.charges.find((charge) => charge.counter === 'key:key_1:tpm')?.amount;
}

describe('createEmbeddings', () => {
  it('sends the request with the target model and logs one record without the vectors', async () => {
    const h = setup();
    h.primary.script({ kind: 'embed', response: embeddingsOf(2, { model: 'p-embed-v2', promptTokens: 4 }) });
    const request: EmbeddingRequest = { model: 'embed', input: ['first text here', 'second'], dimensions: 3 };
    const result = await h.call({ request, headers: { tracestate: 'vendor=1' }, traceparent: 'not-a-trace' });

    expect(result).toMatchObject({ target: 'primary/p-embed', attempts: 1 });
    expect(result.response.data).toHaveLength(2);
    expect(h.primary.calls[0]).toMatchObject({
      method: 'embed',
      request: { ...request, model: 'p-embed' },
      headers: {
        tracestate: 'vendor=1',
        traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/),
      },
    });
    // An invalid caller traceparent starts a new trace instead of failing the request.
    expect(h.sink.only().trace).toMatchObject({ parentSpanId: null, sampled: true });
    const record = h.sink.only();
    expect(record).toMatchObject({
      id: result.interactionId,
      endpoint: 'embeddings',
      status: 'success',
      stream: false,
      target: 'primary/p-embed',
      promptTokens: 4,
      completionTokens: 0,
      totalTokens: 4,
      request,
      response: {
        object: 'list',
        model: 'p-embed-v2',
        count: 2,
        dimensions: 3,
        usage: { prompt_tokens: 4, total_tokens: 4 },
      },
    });
    expect(record.costUsd).toBeCloseTo((4 * 0.5) / 1e6, 12);
    expect(h.ledger.calls.at(-1)).toMatchObject({ method: 'settle', actual: { 'key:key_1:tpm': 4 } });
  });

  it('reserves the counted input tokens: texts are counted, token arrays are tokens already', async () => {
    const texts = setup();
    texts.primary.script({ kind: 'embed', response: embeddingsOf(2) });
    await texts.call();
    expect(reservedTokens(texts)).toBe(4);

    const tokens = setup();
    tokens.primary.script({ kind: 'embed', response: embeddingsOf(2) });
    await tokens.call({
      request: {
        model: 'embed',
        input: [
          [1, 2, 3],
          [4, 5],
        ],
      },
    });
    expect(reservedTokens(tokens)).toBe(5);

    const single = setup();
    single.primary.script({ kind: 'embed', response: embeddingsOf(1) });
    await single.call({ request: { model: 'embed', input: [7, 8, 9] } });
    expect(reservedTokens(single)).toBe(3);
  });

  it('retries, then falls back to the next target', async () => {
    const h = setup();
    const error = new SlipwayError('upstream_error', 'upstream answered 500', {
      retryable: true,
      upstreamStatus: 500,
    });
    h.primary.script(...Array.from({ length: 3 }, () => ({ kind: 'fail' as const, error })));
    h.secondary.script({ kind: 'embed', response: embeddingsOf(2) });
    const result = await h.call();

    expect(result).toMatchObject({ target: 'secondary/s-embed', attempts: 4 });
    expect(h.sleeper.delays).toHaveLength(2);
    expect(h.sink.only().attempts.map((attempt) => attempt.upstreamStatus)).toEqual([500, 500, 500, null]);
  });

  it('times an attempt out after totalMs', async () => {
    const h = setup({
      routes: [
        embedRoute({
          retry: { ...embedRoute().retry, maxAttempts: 1 },
          timeouts: { firstTokenMs: 5, totalMs: 10 },
        }),
      ],
    });
    h.primary.script({ kind: 'hang' });
    h.secondary.script({ kind: 'embed', response: embeddingsOf(2) });
    const result = await h.call();

    expect(result.target).toBe('secondary/s-embed');
    expect(h.sink.only().attempts[0]).toMatchObject({ errorCode: 'timeout' });
  });

  it('stops with client_closed when the client aborts', async () => {
    const h = setup();
    h.primary.script({ kind: 'hang' });
    const client = new AbortController();
    const pending = h.call({ signal: client.signal });
    await new Promise((resolve) => setTimeout(resolve, 5));
    client.abort();

    expect((await failure(pending)).code).toBe('client_closed');
    expect(h.secondary.calls).toHaveLength(0);
    expect(h.sink.only()).toMatchObject({ status: 'error', errorCode: 'client_closed' });
  });

  it('refuses over budget before calling anyone', async () => {
    const h = setup({ limits: { ...LIMITS, perKey: { tokensPerMinute: 3 } } });
    const error = await failure(h.call());

    expect(error).toMatchObject({ code: 'rate_limited', counter: 'key:key_1:tpm', limit: 3, used: 0 });
    expect(h.primary.calls).toHaveLength(0);
    expect(h.sink.only()).toMatchObject({ status: 'error', errorCode: 'rate_limited', attempts: [] });
  });

  it('refuses a chat model on the embeddings endpoint', async () => {
    const h = setup({ routes: [chatRoute(), embedRoute()] });
    const error = await failure(h.call({ request: { model: 'chat', input: 'x' } }));
    expect(error).toMatchObject({ code: 'invalid_request', param: 'model' });
    expect(h.sink.only().endpoint).toBe('embeddings');
  });
});
