import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChatRequest } from '../../../core/chat.js';
import { SlipwayError } from '../../../core/errors.js';
import type { ModelProvider } from '../../../ports/model-provider.js';
import { startMockUpstream, type MockUpstream } from '../../../../test/doubles/mock-upstream.js';
import { createTokenCounter } from '../../tokenizer/index.js';
import { createOpenAiCompatibleProvider } from './openai-compatible-provider.js';

let mock: MockUpstream;
let provider: ModelProvider;

beforeAll(async () => {
  mock = await startMockUpstream({ slowChunks: { count: 8, delayMs: 5 } });
  provider = createOpenAiCompatibleProvider({
    id: 'mock',
    baseUrl: mock.url,
    apiKey: 'sk-mock',
    connections: 4,
    tokenCounter: createTokenCounter(),
  });
});

afterAll(async () => {
  await provider.close();
  await mock.close();
});

const request = (model: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model,
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});
const call = () => ({ signal: AbortSignal.timeout(2_000) });

async function streamed(model: string): Promise<ChatCompletionChunk[]> {
  const stream = await provider.stream(request(model, { stream_options: { include_usage: true } }), call());
  const chunks: ChatCompletionChunk[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
  } finally {
    await stream.close();
  }
  return chunks;
}

async function failure(promise: Promise<unknown>): Promise<SlipwayError> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SlipwayError);
  return error as SlipwayError;
}

describe('openai-compatible provider against the mock upstream', () => {
  it('completes, streams slow chunks and embeds', async () => {
    expect((await provider.complete(request('m'), call())).choices[0]?.message.content).toBe(
      'Hello from the mock upstream.',
    );
    const chunks = await streamed('fault:slow');
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content === 'tok ')).toHaveLength(8);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(8);
    const embeddings = await provider.embed({ model: 'e', input: ['a', 'b'] }, call());
    expect(embeddings.data).toHaveLength(2);
    await provider.ping(call().signal);
  });

  it.each([
    ['fault:429', 'rate_limited'],
    ['fault:500', 'upstream_error'],
    ['fault:503', 'upstream_unavailable'],
    ['fault:reset', 'upstream_unavailable'],
    ['fault:context-length', 'context_length_exceeded'],
    ['fault:invalid-json-chunk', 'upstream_error'],
  ] as const)('maps %s on complete() to %s', async (model, code) => {
    expect((await failure(provider.complete(request(model), call()))).code).toBe(code);
  });

  it.each(['fault:invalid-json-chunk', 'fault:cut-stream', 'fault:error-chunk', 'fault:reset-mid-stream'])(
    'fails the iteration of %s with a retryable upstream_error',
    async (model) => {
      expect(await failure(streamed(model))).toMatchObject({ code: 'upstream_error', retryable: true });
    },
  );

  it('times out on a hanging upstream', async () => {
    const error = await failure(
      provider.complete(request('fault:hang'), { signal: AbortSignal.timeout(50) }),
    );
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
  });
});
