import { afterEach, describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChatRequest } from '../core/chat.js';
import { SlipwayError } from '../core/errors.js';
import { LimitExceededError } from '../core/limit-exceeded-error.js';
import { chunksOf, completionOf } from '../../test/doubles/fake-model-provider.js';
import { CALLER, LIMITS, chatRoute, embedRoute, gatewayHarness } from '../../test/doubles/gateway-harness.js';
import { makeCompleteChat } from './complete-chat.js';
import type { CompleteChatInput, CompleteChatResult } from './complete-chat.js';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

type Harness = ReturnType<typeof gatewayHarness>;

const unavailable = (status = 503) =>
  new SlipwayError('upstream_unavailable', `upstream answered ${status}`, {
    retryable: true,
    upstreamStatus: status,
  });
const rateLimited = (retryAfterMs: number) =>
  new SlipwayError('rate_limited', 'upstream answered 429', {
    retryable: true,
    upstreamStatus: 429,
    retryAfterMs,
  });
const badRequest = () =>
  new SlipwayError('invalid_request', 'bad temperature', { upstreamStatus: 400, param: 'temperature' });
const tooLong = () => new SlipwayError('context_length_exceeded', 'prompt too long', { upstreamStatus: 400 });
const cut = () => new SlipwayError('upstream_error', 'stream cut before [DONE]', { retryable: true });

function chatRequest(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'chat',
    messages: [{ role: 'user', content: 'say hello to me' }],
    temperature: 0.2,
    ...overrides,
  };
}

const harnesses: Harness[] = [];

function setup(options: Parameters<typeof gatewayHarness>[0] = {}) {
  const harness = gatewayHarness(options);
  harnesses.push(harness);
  const completeChat = makeCompleteChat(harness.deps);
  const call = (overrides: Partial<CompleteChatInput> = {}) =>
    completeChat({
      caller: CALLER,
      request: chatRequest(),
      endUser: null,
      signal: new AbortController().signal,
      ...overrides,
    });
  return { ...harness, completeChat, call };
}

afterEach(() => {
  // Every path of every request must have ended its reservation and left no background error behind.
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

function asStream(result: CompleteChatResult) {
  if (result.kind !== 'stream') throw new Error('expected a stream');
  return result;
}

function asCompletion(result: CompleteChatResult) {
  if (result.kind !== 'completion') throw new Error('expected a completion');
  return result;
}

async function drain(chunks: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const received: ChatCompletionChunk[] = [];
  for await (const chunk of chunks) received.push(chunk);
  return received;
}

function textOf(chunks: readonly ChatCompletionChunk[]): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
}

describe('completeChat: non-stream', () => {
  it('sends the client request with only the model replaced, and logs one successful interaction', async () => {
    const h = setup();
    h.primary.script({ kind: 'complete', completion: completionOf('Hello!', { model: 'p-model-2025' }) });
    const request = chatRequest({ max_tokens: 50, user: 'u-1', custom_field: { keep: true } });
    const result = asCompletion(
      await h.call({
        request,
        endUser: 'alice',
        headers: { tracestate: 'vendor=1' },
        traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01`,
      }),
    );

    expect(result).toMatchObject({ kind: 'completion', target: 'primary/p-model', attempts: 1 });
    expect(result.completion.model).toBe('p-model-2025');
    expect(result.completion.choices[0]?.message.content).toBe('Hello!');
    expect(h.primary.calls).toHaveLength(1);
    expect(h.primary.calls[0]?.request).toEqual({ ...request, model: 'p-model' });
    // The upstream sees the interaction's span as its parent, in the caller's trace; other headers pass through.
    const record0 = h.sink.only();
    expect(record0.trace).toMatchObject({ traceId: CALLER_TRACE, parentSpanId: CALLER_SPAN, sampled: true });
    expect(h.primary.calls[0]?.headers).toEqual({
      tracestate: 'vendor=1',
      traceparent: `00-${CALLER_TRACE}-${record0.trace?.spanId}-01`,
    });
    expect(request.model).toBe('chat');

    const record = h.sink.only();
    expect(record).toMatchObject({
      id: result.interactionId,
      endpoint: 'chat.completions',
      projectId: 'p1',
      apiKeyId: 'key_1',
      endUser: 'alice',
      modelRequested: 'chat',
      target: 'primary/p-model',
      stream: false,
      status: 'success',
      errorCode: null,
      request,
      response: result.completion,
      promptTokens: 10,
      completionTokens: 5,
      totalTokens: 15,
      ttftMs: null,
    });
    expect(record.costUsd).toBeCloseTo((10 * 1 + 5 * 2) / 1e6, 12);
    expect(record.attempts).toEqual([
      {
        index: 0,
        providerId: 'primary',
        model: 'p-model',
        startedAt: h.clock.now(),
        latencyMs: 0,
        ttftMs: null,
        status: 'success',
        errorCode: null,
        errorMessage: null,
        upstreamStatus: null,
      },
    ]);
  });

  it('reserves the worst case at the highest price, then settles to the actual usage and cost', async () => {
    const h = setup();
    h.primary.script({ kind: 'complete', completion: completionOf('Hi') });
    await h.call({ request: chatRequest({ max_tokens: 50, n: 2 }) });

    const reserve = h.ledger.calls[0];
    if (reserve?.method !== 'reserve') throw new Error('expected a reservation first');
    const amounts = Object.fromEntries(reserve.charges.map((charge) => [charge.counter, charge.amount]));
    // The fake counter gives 3 + (3 + 4 words) = 10 prompt tokens; output 50 x n=2; prices: max input 3, max output 2.
    expect(amounts).toEqual({
      'key:key_1:rpm': 1,
      'key:key_1:tpm': 110,
      'key:key_1:spend-day': 230,
      'key:key_1:spend-month': 230,
      'project:p1:rpm': 1,
    });
    const settle = h.ledger.calls[1];
    expect(settle).toEqual({
      method: 'settle',
      reservationId: h.sink.only().id,
      actual: {
        'key:key_1:rpm': 1,
        'key:key_1:tpm': 15,
        'key:key_1:spend-day': 20,
        'key:key_1:spend-month': 20,
        'project:p1:rpm': 1,
      },
    });
  });

  it('retries a retryable failure on the same target after a jittered backoff', async () => {
    const h = setup();
    h.primary.script(
      { kind: 'fail', error: unavailable() },
      { kind: 'complete', completion: completionOf('ok') },
    );
    const result = asCompletion(await h.call());

    expect(result).toMatchObject({ target: 'primary/p-model', attempts: 2 });
    expect(h.sleeper.delays).toHaveLength(1);
    expect(h.sleeper.delays[0]).toBeGreaterThanOrEqual(0);
    expect(h.sleeper.delays[0]).toBeLessThan(4);
    const record = h.sink.only();
    expect(record.status).toBe('success');
    expect(
      record.attempts.map((attempt) => [
        attempt.providerId,
        attempt.status,
        attempt.errorCode,
        attempt.upstreamStatus,
      ]),
    ).toEqual([
      ['primary', 'error', 'upstream_unavailable', 503],
      ['primary', 'success', null, null],
    ]);
  });

  it('waits exactly the Retry-After when it is within the cap', async () => {
    const h = setup();
    h.primary.script(
      { kind: 'fail', error: rateLimited(40) },
      { kind: 'complete', completion: completionOf('ok') },
    );
    const result = asCompletion(await h.call());

    expect(h.sleeper.delays).toEqual([40]);
    expect(result).toMatchObject({ target: 'primary/p-model', attempts: 2 });
    expect(h.sink.only().attempts[1]?.startedAt).toBe((h.sink.only().attempts[0]?.startedAt ?? 0) + 40);
  });

  it('falls back at once when the Retry-After exceeds the cap', async () => {
    const h = setup();
    h.primary.script({ kind: 'fail', error: rateLimited(51) });
    h.secondary.script({ kind: 'complete', completion: completionOf('from secondary') });
    const result = asCompletion(await h.call());

    expect(h.sleeper.delays).toEqual([]);
    expect(h.primary.calls).toHaveLength(1);
    expect(result).toMatchObject({ target: 'secondary/s-model', attempts: 2 });
    expect(h.secondary.calls[0]?.request.model).toBe('s-model');
  });

  it('falls back to the second target when the first keeps failing', async () => {
    const h = setup();
    h.primary.script(
      ...Array.from({ length: 3 }, () => ({ kind: 'fail' as const, error: unavailable(502) })),
    );
    h.secondary.script({ kind: 'complete', completion: completionOf('ok') });
    const result = asCompletion(await h.call());

    expect(h.primary.calls).toHaveLength(3);
    expect(h.sleeper.delays).toHaveLength(2);
    expect(result).toMatchObject({ target: 'secondary/s-model', attempts: 4 });
    const record = h.sink.only();
    expect(record.target).toBe('secondary/s-model');
    expect(record.costUsd).toBeCloseTo((10 * 3 + 5 * 1) / 1e6, 12);
  });

  it('fails with the last error when every target fails, and still settles the request', async () => {
    const h = setup({ routes: [chatRoute({ retry: { ...chatRoute().retry, maxAttempts: 1 } })] });
    h.primary.script({ kind: 'fail', error: unavailable(503) });
    h.secondary.script({ kind: 'fail', error: unavailable(504) });
    const error = await failure(h.call());

    expect(error.code).toBe('upstream_unavailable');
    expect(error.upstreamStatus).toBe(504);
    const record = h.sink.only();
    expect(record).toMatchObject({
      status: 'error',
      errorCode: 'upstream_unavailable',
      target: null,
      totalTokens: 0,
    });
    expect(record.attempts).toHaveLength(2);
    expect(h.ledger.calls.at(-1)).toMatchObject({
      method: 'settle',
      actual: { 'key:key_1:rpm': 1, 'key:key_1:tpm': 0 },
    });
  });

  it('does not retry or fall back on a 400', async () => {
    const h = setup();
    h.primary.script({ kind: 'fail', error: badRequest() });
    const error = await failure(h.call());

    expect(error).toMatchObject({ code: 'invalid_request', param: 'temperature', upstreamStatus: 400 });
    expect(h.primary.calls).toHaveLength(1);
    expect(h.secondary.calls).toHaveLength(0);
    expect(h.sleeper.delays).toEqual([]);
    expect(h.sink.only()).toMatchObject({ status: 'error', errorCode: 'invalid_request' });
    expect(h.sink.only().attempts[0]).toMatchObject({ status: 'error', upstreamStatus: 400 });
  });

  it('goes to the context fallbacks, skipping the remaining targets, when the prompt is too long', async () => {
    const h = setup();
    h.primary.script({ kind: 'fail', error: tooLong() });
    h.big.script({ kind: 'complete', completion: completionOf('fits') });
    const result = asCompletion(await h.call());

    expect(result).toMatchObject({ target: 'big/big-model', attempts: 2 });
    expect(h.secondary.calls).toHaveLength(0);
    expect(h.big.calls[0]?.request.model).toBe('big-model');
    expect(h.sleeper.delays).toEqual([]);
  });

  it('reports the context-length error when there is no context fallback', async () => {
    const h = setup({ routes: [chatRoute({ contextFallbacks: [] })] });
    h.primary.script({ kind: 'fail', error: tooLong() });
    const error = await failure(h.call());

    expect(error.code).toBe('context_length_exceeded');
    expect(h.secondary.calls).toHaveLength(0);
    expect(h.sink.only().errorCode).toBe('context_length_exceeded');
  });

  it('times an attempt out after totalMs and falls back', async () => {
    const h = setup({
      routes: [
        chatRoute({
          retry: { ...chatRoute().retry, maxAttempts: 1 },
          timeouts: { firstTokenMs: 5, totalMs: 15 },
        }),
      ],
    });
    h.primary.script({ kind: 'hang' });
    h.secondary.script({ kind: 'complete', completion: completionOf('ok') });
    const result = asCompletion(await h.call());

    expect(result.target).toBe('secondary/s-model');
    expect(h.primary.calls[0]?.signal.aborted).toBe(true);
    expect(h.sink.only().attempts[0]).toMatchObject({ status: 'error', errorCode: 'timeout' });
  });

  it('fails with timeout when every attempt times out', async () => {
    const h = setup({
      routes: [
        chatRoute({
          targets: [{ providerId: 'primary', model: 'p-model', weight: 1 }],
          retry: { ...chatRoute().retry, maxAttempts: 2 },
          timeouts: { firstTokenMs: 5, totalMs: 10 },
        }),
      ],
    });
    h.primary.script({ kind: 'hang' }, { kind: 'hang' });
    const error = await failure(h.call());

    expect(error).toMatchObject({ code: 'timeout', retryable: true });
    expect(h.primary.calls).toHaveLength(2);
    expect(h.sink.only().attempts.map((attempt) => attempt.errorCode)).toEqual(['timeout', 'timeout']);
  });

  it('stops at once with client_closed when the client aborts, without retrying', async () => {
    const h = setup();
    h.primary.script({ kind: 'hang' });
    const client = new AbortController();
    const pending = h.call({ signal: client.signal });
    await new Promise((resolve) => setTimeout(resolve, 5));
    client.abort();
    const error = await failure(pending);

    expect(error.code).toBe('client_closed');
    expect(h.primary.calls).toHaveLength(1);
    expect(h.primary.calls[0]?.signal.aborted).toBe(true);
    expect(h.secondary.calls).toHaveLength(0);
    expect(h.sink.only()).toMatchObject({ status: 'error', errorCode: 'client_closed' });
  });

  it('stops during a retry wait when the client aborts', async () => {
    const h = setup();
    const client = new AbortController();
    h.primary.script({ kind: 'fail', error: unavailable() });
    h.deps.sleep = async (_ms, signal) => {
      client.abort();
      throw signal.reason;
    };
    const completeChat = makeCompleteChat(h.deps);
    const error = await failure(
      completeChat({ caller: CALLER, request: chatRequest(), endUser: null, signal: client.signal }),
    );

    expect(error.code).toBe('client_closed');
    expect(h.primary.calls).toHaveLength(1);
    expect(h.secondary.calls).toHaveLength(0);
    expect(h.sink.only().errorCode).toBe('client_closed');
  });
});

describe('completeChat: circuit breakers', () => {
  const oneAttempt = chatRoute({ retry: { ...chatRoute().retry, maxAttempts: 1 } });

  it('opens a breaker after failureThreshold consecutive failures and skips the target', async () => {
    const h = setup({ routes: [oneAttempt] });
    for (let index = 0; index < 3; index += 1) {
      h.primary.script({ kind: 'fail', error: unavailable() });
      h.secondary.script({ kind: 'complete', completion: completionOf('ok') });
      await h.call();
    }
    expect(h.deps.breakers.snapshot()).toContainEqual({
      target: 'primary/p-model',
      state: 'open',
      consecutiveFailures: 3,
      openedAt: h.clock.now(),
    });

    h.secondary.script({ kind: 'complete', completion: completionOf('ok') });
    const result = asCompletion(await h.call());
    expect(h.primary.calls).toHaveLength(3);
    expect(result).toMatchObject({ target: 'secondary/s-model', attempts: 1 });
    expect(h.sink.records).toHaveLength(4);
  });

  it('stops retrying a target whose breaker opened during the request', async () => {
    const h = setup({ routes: [chatRoute({ breaker: { failureThreshold: 2, cooldownMs: 1_000 } })] });
    h.primary.script({ kind: 'fail', error: unavailable() }, { kind: 'fail', error: unavailable() });
    h.secondary.script({ kind: 'complete', completion: completionOf('ok') });
    const result = asCompletion(await h.call());

    expect(h.primary.calls).toHaveLength(2);
    expect(result).toMatchObject({ target: 'secondary/s-model', attempts: 3 });
  });

  it('fails fast with upstream_unavailable, calling nobody, when every breaker is open', async () => {
    const h = setup({ routes: [chatRoute({ retry: { ...chatRoute().retry, maxAttempts: 3 } })] });
    h.primary.script(...Array.from({ length: 3 }, () => ({ kind: 'fail' as const, error: unavailable() })));
    h.secondary.script(...Array.from({ length: 3 }, () => ({ kind: 'fail' as const, error: unavailable() })));
    await failure(h.call());

    const error = await failure(h.call());
    expect(error).toMatchObject({ code: 'upstream_unavailable', retryable: true });
    expect(error.message).toContain('chat');
    expect(h.primary.calls).toHaveLength(3);
    expect(h.secondary.calls).toHaveLength(3);
    const record = h.sink.records[1];
    expect(record).toMatchObject({ status: 'error', errorCode: 'upstream_unavailable', attempts: [] });
    // No upstream call: the reservation was released, so the request does not count.
    expect(h.ledger.calls.at(-1)).toEqual({ method: 'release', reservationId: record?.id });
  });

  it('lets one half-open probe through after the cooldown and closes on its success', async () => {
    const h = setup({ routes: [oneAttempt] });
    for (let index = 0; index < 3; index += 1) {
      h.primary.script({ kind: 'fail', error: unavailable() });
      h.secondary.script({ kind: 'complete', completion: completionOf('ok') });
      await h.call();
    }
    h.clock.advance(1_000);
    h.primary.script({ kind: 'complete', completion: completionOf('recovered') });
    const result = asCompletion(await h.call());

    expect(result.target).toBe('primary/p-model');
    expect(h.deps.breakers.snapshot()).toContainEqual({
      target: 'primary/p-model',
      state: 'closed',
      consecutiveFailures: 0,
      openedAt: null,
    });
  });

  it('re-opens when the probe fails', async () => {
    const h = setup({ routes: [oneAttempt] });
    for (let index = 0; index < 3; index += 1) {
      h.primary.script({ kind: 'fail', error: unavailable() });
      h.secondary.script({ kind: 'complete', completion: completionOf('ok') });
      await h.call();
    }
    h.clock.advance(1_000);
    h.primary.script({ kind: 'fail', error: unavailable() });
    h.secondary.script(
      { kind: 'complete', completion: completionOf('ok') },
      { kind: 'complete', completion: completionOf('ok') },
    );
    await h.call();
    expect(h.deps.breakers.snapshot()).toContainEqual(
      expect.objectContaining({ target: 'primary/p-model', state: 'open', openedAt: h.clock.now() }),
    );
    await h.call();
    expect(h.primary.calls).toHaveLength(4);
  });

  it('sends only one probe at a time: a concurrent request skips the half-open target', async () => {
    const h = setup({ routes: [chatRoute({ ...oneAttempt, timeouts: { firstTokenMs: 5, totalMs: 20 } })] });
    for (let index = 0; index < 3; index += 1) {
      h.primary.script({ kind: 'fail', error: unavailable() });
      h.secondary.script({ kind: 'complete', completion: completionOf('ok') });
      await h.call();
    }
    h.clock.advance(1_000);
    h.primary.script({ kind: 'hang' });
    h.secondary.script(
      { kind: 'complete', completion: completionOf('b') },
      { kind: 'complete', completion: completionOf('a') },
    );
    const probing = h.call();
    await new Promise((resolve) => setTimeout(resolve, 1));
    const concurrent = asCompletion(await h.call());
    expect(concurrent.target).toBe('secondary/s-model');
    expect(h.primary.calls).toHaveLength(4);

    const probed = asCompletion(await probing);
    expect(probed).toMatchObject({ target: 'secondary/s-model', attempts: 2 });
    expect(h.sink.records.at(-1)?.attempts[0]).toMatchObject({ providerId: 'primary', errorCode: 'timeout' });
    expect(h.deps.breakers.snapshot()).toContainEqual(
      expect.objectContaining({ target: 'primary/p-model', state: 'open' }),
    );
  });

  it('does not count a 400 against the breaker', async () => {
    const h = setup({ routes: [oneAttempt] });
    for (let index = 0; index < 4; index += 1) {
      h.primary.script({ kind: 'fail', error: badRequest() });
      await failure(h.call());
    }
    expect(h.deps.breakers.snapshot()).toContainEqual(
      expect.objectContaining({ target: 'primary/p-model', state: 'closed' }),
    );
  });
});

describe('completeChat: streams', () => {
  it('returns after the first chunk and yields it and the rest; logs the assembled message', async () => {
    const h = setup();
    h.primary.script({
      kind: 'stream',
      chunks: chunksOf(['Hello', ' world']),
      usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
    });
    const result = asStream(await h.call({ request: chatRequest({ stream: true }) }));

    expect(result).toMatchObject({ kind: 'stream', target: 'primary/p-model', attempts: 1 });
    expect(h.primary.calls[0]?.stream?.chunksSent).toBe(1);
    expect(h.sink.records).toHaveLength(0);

    const chunks = await drain(result.chunks);
    expect(textOf(chunks)).toBe('Hello world');
    // The client did not ask for usage: it was asked upstream for accounting, and not forwarded.
    expect(h.primary.calls[0]?.request).toMatchObject({
      model: 'p-model',
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(chunks.every((chunk) => !('usage' in chunk))).toBe(true);
    expect(chunks).toHaveLength(3);

    const record = h.sink.only();
    expect(record).toMatchObject({
      id: result.interactionId,
      stream: true,
      status: 'success',
      target: 'primary/p-model',
      promptTokens: 12,
      completionTokens: 2,
      totalTokens: 14,
      ttftMs: 0,
    });
    expect(record.request).toEqual(chatRequest({ stream: true }));
    expect(record.response).toMatchObject({
      choices: [{ message: { role: 'assistant', content: 'Hello world' }, finish_reason: 'stop' }],
    });
    expect(record.attempts[0]).toMatchObject({ status: 'success', ttftMs: 0 });
    expect(h.ledger.calls.at(-1)).toMatchObject({ method: 'settle', actual: { 'key:key_1:tpm': 14 } });
  });

  it('forwards the usage chunk when the client asked for it', async () => {
    const h = setup();
    const usage = { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 };
    h.primary.script({ kind: 'stream', chunks: chunksOf(['Hi']), usage });
    const request = chatRequest({ stream: true, stream_options: { include_usage: true } });
    const chunks = await drain(asStream(await h.call({ request })).chunks);

    expect(chunks.at(-1)).toMatchObject({ choices: [], usage });
    expect(h.primary.calls[0]?.request).toEqual({ ...request, model: 'p-model' });
  });

  it('counts tokens itself when the upstream sends no usage', async () => {
    const h = setup();
    h.primary.script({ kind: 'stream', chunks: chunksOf(['one two', ' three']) });
    await drain(asStream(await h.call({ request: chatRequest({ stream: true }) })).chunks);

    expect(h.sink.only()).toMatchObject({ promptTokens: 10, completionTokens: 3, totalTokens: 13 });
  });

  it('retries a stream that fails before its first chunk', async () => {
    const h = setup();
    h.primary.script(
      { kind: 'fail', error: unavailable(502) },
      { kind: 'stream', chunks: [], then: cut() },
      { kind: 'stream', chunks: chunksOf(['ok']) },
    );
    const result = asStream(await h.call({ request: chatRequest({ stream: true }) }));
    expect(result.attempts).toBe(3);
    expect(textOf(await drain(result.chunks))).toBe('ok');
    expect(h.sink.only().attempts.map((attempt) => attempt.errorCode)).toEqual([
      'upstream_unavailable',
      'upstream_error',
      null,
    ]);
  });

  it('times out a stream with no first token after firstTokenMs and falls back', async () => {
    const h = setup({
      routes: [
        chatRoute({
          retry: { ...chatRoute().retry, maxAttempts: 1 },
          timeouts: { firstTokenMs: 15, totalMs: 1_000 },
        }),
      ],
    });
    h.primary.script({ kind: 'stream', chunks: [], then: 'hang' });
    h.secondary.script({ kind: 'stream', chunks: chunksOf(['fallback']) });
    const result = asStream(await h.call({ request: chatRequest({ stream: true }) }));

    expect(result).toMatchObject({ target: 'secondary/s-model', attempts: 2 });
    expect(h.primary.calls[0]?.signal.aborted).toBe(true);
    expect(textOf(await drain(result.chunks))).toBe('fallback');
    expect(h.sink.only().attempts[0]).toMatchObject({ errorCode: 'timeout', status: 'error' });
    expect(h.sink.only().attempts[0]?.errorMessage).toContain('first token');
  });

  it('after the first chunk, throws a failure once without retrying and logs the partial text as incomplete', async () => {
    const h = setup();
    h.primary.script({ kind: 'stream', chunks: chunksOf(['Hello', ' wor']).slice(0, 2), then: cut() });
    const result = asStream(await h.call({ request: chatRequest({ stream: true }) }));
    const iterator = result.chunks[Symbol.asyncIterator]();

    expect((await iterator.next()).value?.choices[0]?.delta.content).toBe('Hello');
    expect((await iterator.next()).value?.choices[0]?.delta.content).toBe(' wor');
    await expect(iterator.next()).rejects.toMatchObject({ code: 'upstream_error' });
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });

    expect(h.primary.calls).toHaveLength(1);
    expect(h.secondary.calls).toHaveLength(0);
    const record = h.sink.only();
    expect(record).toMatchObject({
      status: 'incomplete',
      errorCode: 'upstream_error',
      target: 'primary/p-model',
    });
    expect(record.response).toMatchObject({
      choices: [{ message: { content: 'Hello wor' }, finish_reason: null }],
    });
    expect(record.attempts[0]).toMatchObject({ status: 'error', errorCode: 'upstream_error' });
    // Tokens of the partial answer are counted and settled.
    expect(record).toMatchObject({ promptTokens: 10, completionTokens: 2, totalTokens: 12 });
    expect(h.ledger.calls.at(-1)).toMatchObject({ method: 'settle', actual: { 'key:key_1:tpm': 12 } });
  });

  it('cuts a stream that exceeds totalMs and logs it incomplete with timeout', async () => {
    const h = setup({ routes: [chatRoute({ timeouts: { firstTokenMs: 1_000, totalMs: 20 } })] });
    h.primary.script({ kind: 'stream', chunks: chunksOf(['slow']).slice(0, 1), then: 'hang' });
    const result = asStream(await h.call({ request: chatRequest({ stream: true }) }));
    const iterator = result.chunks[Symbol.asyncIterator]();

    expect((await iterator.next()).done).toBe(false);
    await expect(iterator.next()).rejects.toMatchObject({ code: 'timeout' });
    expect(h.primary.calls[0]?.signal.aborted).toBe(true);
    expect(h.primary.calls[0]?.stream?.closed).toBe(true);
    expect(h.sink.only()).toMatchObject({ status: 'incomplete', errorCode: 'timeout' });
    expect(h.deps.breakers.snapshot()).toContainEqual(
      expect.objectContaining({ target: 'primary/p-model', consecutiveFailures: 1 }),
    );
  });

  it('lifts the first-token deadline once the first chunk arrived: only totalMs applies after it', async () => {
    const h = setup({ routes: [chatRoute({ timeouts: { firstTokenMs: 10, totalMs: 200 } })] });
    h.primary.script({ kind: 'stream', chunks: chunksOf(['first']).slice(0, 1), then: 'hang' });
    const result = asStream(await h.call({ request: chatRequest({ stream: true }) }));
    const iterator = result.chunks[Symbol.asyncIterator]();
    await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 30));

    expect(h.sink.records).toHaveLength(0);
    expect(h.primary.calls[0]?.signal.aborted).toBe(false);
    const error = await failure(iterator.next());
    expect(error).toMatchObject({ code: 'timeout' });
    expect(error.message).toContain('did not finish its stream within 200 ms');
  });

  it('closes the upstream and logs client_closed when the consumer stops early', async () => {
    const h = setup();
    h.primary.script({ kind: 'stream', chunks: chunksOf(['a', 'b', 'c']) });
    const result = asStream(await h.call({ request: chatRequest({ stream: true }) }));
    for await (const chunk of result.chunks) {
      expect(chunk.choices[0]?.delta.content).toBe('a');
      break;
    }

    const call = h.primary.calls[0];
    expect(call?.stream?.closed).toBe(true);
    expect(call?.signal.aborted).toBe(true);
    const record = h.sink.only();
    expect(record).toMatchObject({ status: 'incomplete', errorCode: 'client_closed' });
    expect(record.response).toMatchObject({ choices: [{ message: { content: 'a' } }] });
    expect(h.deps.breakers.snapshot()).toContainEqual(
      expect.objectContaining({ target: 'primary/p-model', state: 'closed', consecutiveFailures: 0 }),
    );
  });

  it('ends the stream with client_closed when the client aborts while waiting for a chunk', async () => {
    const h = setup();
    h.primary.script({ kind: 'stream', chunks: chunksOf(['a']).slice(0, 1), then: 'hang' });
    const client = new AbortController();
    const result = asStream(await h.call({ request: chatRequest({ stream: true }), signal: client.signal }));
    const iterator = result.chunks[Symbol.asyncIterator]();
    await iterator.next();
    const waiting = iterator.next();
    client.abort();

    await expect(waiting).rejects.toMatchObject({ code: 'client_closed' });
    expect(h.primary.calls[0]?.stream?.closed).toBe(true);
    expect(h.sink.only()).toMatchObject({ status: 'incomplete', errorCode: 'client_closed' });
  });

  it('ends cleanly when return() comes while a next() is pending (the HTTP layer on socket close)', async () => {
    const h = setup();
    h.primary.script({ kind: 'stream', chunks: chunksOf(['a']).slice(0, 1), then: 'hang' });
    const result = asStream(await h.call({ request: chatRequest({ stream: true }) }));
    const iterator = result.chunks[Symbol.asyncIterator]();
    await iterator.next();
    const waiting = iterator.next();
    await iterator.return?.();

    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
    expect(h.primary.calls[0]?.stream?.closed).toBe(true);
    expect(h.sink.only()).toMatchObject({ status: 'incomplete', errorCode: 'client_closed' });
  });

  it('relays an upstream stream that ends without any chunk as an empty success', async () => {
    const h = setup();
    h.primary.script({ kind: 'stream', chunks: [] });
    const result = asStream(await h.call({ request: chatRequest({ stream: true }) }));

    expect(await drain(result.chunks)).toEqual([]);
    expect(h.sink.only()).toMatchObject({ status: 'success', completionTokens: 0 });
  });

  it('ends the request when the client aborts before anyone iterates', async () => {
    const h = setup();
    h.primary.script({ kind: 'stream', chunks: chunksOf(['a', 'b']) });
    const client = new AbortController();
    asStream(await h.call({ request: chatRequest({ stream: true }), signal: client.signal }));
    client.abort();
    await new Promise((resolve) => setTimeout(resolve, 0));

    expect(h.primary.calls[0]?.stream?.closed).toBe(true);
    expect(h.sink.only()).toMatchObject({ status: 'incomplete', errorCode: 'client_closed' });
  });

  it('logs an aborted stream before its first chunk as an error with client_closed', async () => {
    const h = setup();
    h.primary.script({ kind: 'stream', chunks: [], then: 'hang' });
    const client = new AbortController();
    const pending = h.call({ request: chatRequest({ stream: true }), signal: client.signal });
    await new Promise((resolve) => setTimeout(resolve, 5));
    client.abort();

    expect((await failure(pending)).code).toBe('client_closed');
    expect(h.primary.calls).toHaveLength(1);
    expect(h.sink.only()).toMatchObject({ status: 'error', errorCode: 'client_closed', stream: true });
  });
});

describe('completeChat: limits and access', () => {
  it('refuses a spent budget before any upstream call, with the time left in the window', async () => {
    const h = setup({ limits: { ...LIMITS, perProject: { spendPerDayUsd: 1 } } });
    const dayStart = Math.floor(h.clock.now() / 86_400_000) * 86_400_000;
    h.ledger.preset('project:p1:spend-day', dayStart, 1_000_000);
    const error = await failure(h.call());

    expect(error).toBeInstanceOf(LimitExceededError);
    expect(error).toMatchObject({
      code: 'budget_exceeded',
      counter: 'project:p1:spend-day',
      limit: 1_000_000,
      used: 1_000_000,
      windowEnd: dayStart + 86_400_000,
      retryAfterMs: dayStart + 86_400_000 - h.clock.now(),
    });
    expect(h.primary.calls).toHaveLength(0);
    expect(h.sink.only()).toMatchObject({
      status: 'error',
      errorCode: 'budget_exceeded',
      attempts: [],
      target: null,
    });
  });

  it('applies the key’s own limits over the defaults, as rate_limited', async () => {
    const h = setup();
    const caller = { ...CALLER, limits: { requestsPerMinute: 1 } };
    h.primary.script({ kind: 'complete', completion: completionOf('ok') });
    await h.call({ caller });
    const error = await failure(h.call({ caller }));

    expect(error).toMatchObject({ code: 'rate_limited', counter: 'key:key_1:rpm' });
    expect(error.retryAfterMs).toBeGreaterThan(0);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(h.sink.records).toHaveLength(2);
  });

  it('limits each end user separately', async () => {
    const h = setup({ limits: { ...LIMITS, perEndUser: { requestsPerMinute: 1 } } });
    h.primary.script(
      { kind: 'complete', completion: completionOf('ok') },
      { kind: 'complete', completion: completionOf('ok') },
    );
    await h.call({ endUser: 'alice' });
    await h.call({ endUser: 'bob' });
    const error = await failure(h.call({ endUser: 'alice' }));
    expect(error).toMatchObject({ code: 'rate_limited', counter: 'user:p1:alice:rpm' });
  });

  it('makes no ledger call when no limit applies', async () => {
    const h = setup({ limits: { perKey: {}, perProject: {}, perEndUser: {} } });
    h.primary.script({ kind: 'complete', completion: completionOf('ok') });
    await h.call();
    expect(h.ledger.calls).toEqual([]);
  });

  it('forbids a model outside the key’s allowed models, and logs the refusal', async () => {
    const h = setup();
    const error = await failure(h.call({ caller: { ...CALLER, allowedModels: ['other'] } }));
    expect(error).toMatchObject({ code: 'forbidden', param: 'model' });
    expect(h.sink.only()).toMatchObject({ status: 'error', errorCode: 'forbidden' });
    expect(h.ledger.calls).toEqual([]);
  });

  it('answers not_found for an unknown model, naming it', async () => {
    const h = setup();
    const error = await failure(h.call({ request: chatRequest({ model: 'nope' }) }));
    expect(error).toMatchObject({ code: 'not_found', param: 'model' });
    expect(error.message).toContain('nope');
    expect(h.sink.only().modelRequested).toBe('nope');
  });

  it('refuses an embeddings model on the chat endpoint', async () => {
    const h = setup({ routes: [chatRoute(), embedRoute()] });
    const error = await failure(h.call({ request: chatRequest({ model: 'embed' }) }));
    expect(error).toMatchObject({ code: 'invalid_request', param: 'model' });
  });
});

describe('completeChat: hand-over', () => {
  it('hands each request exactly one record, with distinct ids', async () => {
    const h = setup();
    h.primary.script(
      { kind: 'complete', completion: completionOf('1') },
      { kind: 'fail', error: badRequest() },
      { kind: 'stream', chunks: chunksOf(['3']) },
    );
    await h.call();
    await failure(h.call());
    await drain(asStream(await h.call({ request: chatRequest({ stream: true }) })).chunks);
    expect(h.sink.records).toHaveLength(3);
    expect(new Set(h.sink.records.map((record) => record.id)).size).toBe(3);
  });

  it('does not wait for the sink, and reports its failures in the background', async () => {
    const h = setup();
    h.deps.sink = { record: () => new Promise<void>(() => undefined) };
    h.primary.script(
      { kind: 'complete', completion: completionOf('ok') },
      { kind: 'complete', completion: completionOf('ok') },
    );
    await makeCompleteChat(h.deps)({
      caller: CALLER,
      request: chatRequest(),
      endUser: null,
      signal: new AbortController().signal,
    });

    const failing = new Error('sink broken');
    h.deps.sink = { record: () => Promise.reject(failing) };
    await makeCompleteChat(h.deps)({
      caller: CALLER,
      request: chatRequest(),
      endUser: null,
      signal: new AbortController().signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(h.backgroundErrors).toEqual([failing]);
    h.backgroundErrors.length = 0;
  });
});
