import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ChatCompletionChunk, ChatRequest } from '../../../core/chat.js';
import { SlipwayError } from '../../../core/errors.js';
import type { ChatStream, ModelProvider } from '../../../ports/model-provider.js';
import { createTokenCounter } from '../../tokenizer/index.js';
import { createOpenAiCompatibleProvider } from './openai-compatible-provider.js';

const FIXTURES = new URL('../../../../test/fixtures/providers/openai/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));

/** What the replay server answers to the next request. */
type Reply =
  | {
      status: number;
      headers?: Record<string, string>;
      body: Buffer | string;
      /** Written in pieces of this size, one per event-loop turn. */
      pieceBytes?: number;
      /** The response is left open after the body, like a stream still in progress. */
      keepOpen?: boolean;
    }
  | 'reset'
  | 'hang';

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const replies: Reply[] = [];
const received: Received[] = [];
const sockets = new Set<Socket>();
const hanging: ServerResponse[] = [];
let connections = 0;
/** Responses whose connection closed before the server finished writing them. */
let cutResponses = 0;
let server: Server;
let baseUrl: string;

const json = (name: string, status = 200, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: fixture(name),
});
// Small pieces written one by one, so that events and UTF-8 characters arrive split across TCP chunks.
const sse = (name: string, pieceBytes = 7): Reply => ({
  status: 200,
  headers: { 'content-type': 'text/event-stream; charset=utf-8' },
  body: fixture(name),
  pieceBytes,
});

async function writeInPieces(response: ServerResponse, body: Buffer, pieceBytes: number): Promise<void> {
  for (let start = 0; start < body.length; start += pieceBytes) {
    if (response.destroyed) return;
    response.write(body.subarray(start, start + pieceBytes));
    await new Promise((resolve) => setImmediate(resolve));
  }
  response.end();
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on('data', (part: Buffer) => parts.push(part));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(parts).toString(),
      });
      const reply = replies.shift() ?? json('chat-completion.json');
      if (reply === 'reset') {
        request.socket.destroy();
        return;
      }
      if (reply === 'hang') {
        hanging.push(response);
        return;
      }
      response.on('close', () => {
        if (!response.writableFinished) cutResponses += 1;
      });
      response.writeHead(reply.status, reply.headers);
      const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
      if (reply.keepOpen) {
        response.write(body);
        hanging.push(response);
      } else if (reply.pieceBytes) void writeInPieces(response, body, reply.pieceBytes);
      else response.end(body);
    });
  });
  server.on('connection', (socket: Socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

const providers: ModelProvider[] = [];
const tokenCounter = createTokenCounter();

function open(options: Partial<Parameters<typeof createOpenAiCompatibleProvider>[0]> = {}): ModelProvider {
  const provider = createOpenAiCompatibleProvider({
    id: 'openai',
    baseUrl,
    apiKey: 'sk-test',
    tokenCounter,
    ...options,
  });
  providers.push(provider);
  return provider;
}

afterEach(async () => {
  replies.length = 0;
  received.length = 0;
  cutResponses = 0;
  for (const response of hanging.splice(0)) response.destroy();
  await Promise.all(providers.splice(0).map((provider) => provider.close()));
});

const signal = () => new AbortController().signal;
// undici marks a connection free a turn after the body ends; a gateway's requests are never that close.
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const chat: ChatRequest = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'What is the capital of France?' }],
};

async function collect(stream: ChatStream): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

function contentOf(chunks: ChatCompletionChunk[]): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
}

async function failure(promise: Promise<unknown>): Promise<SlipwayError> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SlipwayError);
  return error as SlipwayError;
}

describe('openai-compatible provider: requests', () => {
  it('posts the request untouched, unknown fields included, under the base URL path prefix', async () => {
    const provider = open({ headers: { 'OpenAI-Organization': 'org-1' } });
    const request = { ...chat, temperature: 0.2, logit_bias: { '1734': -100 }, reasoning_effort: 'low' };
    const completion = await provider.complete(request, {
      signal: signal(),
      headers: { 'x-trace-id': 'abc' },
    });
    expect(completion).toEqual(JSON.parse(fixture('chat-completion.json').toString()));
    const [sent] = received;
    expect(sent?.method).toBe('POST');
    expect(sent?.path).toBe('/v1/chat/completions');
    expect(JSON.parse(sent?.body ?? '')).toEqual(request);
    expect(sent?.headers).toMatchObject({
      authorization: 'Bearer sk-test',
      'content-type': 'application/json',
      'openai-organization': 'org-1',
      'x-trace-id': 'abc',
    });
  });

  it('turns a stream request into a non-stream one for complete()', async () => {
    await open().complete(
      { ...chat, stream: true, stream_options: { include_usage: true } },
      { signal: signal() },
    );
    const body = JSON.parse(received[0]?.body ?? '') as ChatRequest;
    expect(body.stream).toBe(false);
    expect(body).not.toHaveProperty('stream_options');
  });

  it('passes tool calls through', async () => {
    replies.push(json('chat-completion-tool-call.json'));
    const completion = await open().complete(chat, { signal: signal() });
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message.tool_calls?.[0]?.function.name).toBe('get_weather');
  });

  it('counts usage with the tokenizer when the upstream leaves it out', async () => {
    replies.push(json('chat-completion-without-usage.json'));
    const completion = await open().complete(chat, { signal: signal() });
    const prompt = tokenCounter.countChat(chat.messages);
    const answer = tokenCounter.countText('Paris is the capital of France.');
    expect(completion.usage).toEqual({
      prompt_tokens: prompt,
      completion_tokens: answer,
      total_tokens: prompt + answer,
    });
  });

  it('sends Azure requests with api-version and the api-key header', async () => {
    const provider = open({ baseUrl: `${baseUrl}/openai/deployments/gpt-4o`, apiVersion: '2024-10-21' });
    await provider.complete(chat, { signal: signal() });
    expect(received[0]?.path).toBe('/v1/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21');
    expect(received[0]?.headers['api-key']).toBe('sk-test');
    expect(received[0]?.headers.authorization).toBeUndefined();
  });

  it('passes embeddings through, base64 included, and counts missing usage', async () => {
    const provider = open();
    replies.push(json('embeddings-float.json'));
    const floats = await provider.embed(
      { model: 'text-embedding-3-small', input: ['hello', 'world'] },
      { signal: signal() },
    );
    expect(floats).toEqual(JSON.parse(fixture('embeddings-float.json').toString()));
    expect(received[0]?.path).toBe('/v1/embeddings');

    replies.push(json('embeddings-base64.json'));
    const base64 = await provider.embed(
      { model: 'text-embedding-3-small', input: 'hello world', encoding_format: 'base64' },
      { signal: signal() },
    );
    expect(base64.data[0]?.embedding).toBe('Cg/juyfdrrtTQfg5Rv/EvOFEQzxX/D67sH2JPOYAAL0=');
    expect(JSON.parse(received[1]?.body ?? '')).toMatchObject({ encoding_format: 'base64' });

    replies.push({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        object: 'list',
        data: [{ object: 'embedding', index: 0, embedding: [1, 0] }],
        model: 'm',
      }),
    });
    const counted = await provider.embed({ model: 'm', input: ['hello world', 'bye'] }, { signal: signal() });
    const tokens = tokenCounter.countText('hello world') + tokenCounter.countText('bye');
    expect(counted.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
  });

  it('reuses one keep-alive connection for sequential requests and streams', async () => {
    const provider = open();
    const before = connections;
    await provider.complete(chat, { signal: signal() });
    await nextTurn();
    replies.push(sse('chat-stream.sse', 64));
    const stream = await provider.stream(chat, { signal: signal() });
    await collect(stream);
    await stream.close();
    await nextTurn();
    await provider.complete(chat, { signal: signal() });
    expect(connections - before).toBe(1);
  });

  it('rejects an answer whose JSON is broken or lacks choices', async () => {
    const provider = open();
    replies.push({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"id": "chatcmpl-1", ',
    });
    expect(await failure(provider.complete(chat, { signal: signal() }))).toMatchObject({
      code: 'upstream_error',
      retryable: true,
    });
    replies.push({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"id": "chatcmpl-1"}',
    });
    expect((await failure(provider.complete(chat, { signal: signal() }))).code).toBe('upstream_error');
  });

  it('pings GET /models and reports failures as upstream_unavailable', async () => {
    const provider = open();
    replies.push(json('models.json'));
    await provider.ping(signal());
    expect(received[0]).toMatchObject({ method: 'GET', path: '/v1/models' });
    replies.push(json('error-500-server-error.json', 500));
    expect(await failure(provider.ping(signal()))).toMatchObject({
      code: 'upstream_unavailable',
      upstreamStatus: 500,
    });
  });
});

describe('openai-compatible provider: streams', () => {
  it('yields every chunk of a recorded stream, split across TCP chunks, and ends on [DONE]', async () => {
    replies.push(sse('chat-stream.sse'));
    const stream = await open().stream(
      { ...chat, stream_options: { include_usage: true } },
      { signal: signal() },
    );
    const chunks = await collect(stream);
    expect(chunks).toHaveLength(10);
    expect(contentOf(chunks)).toBe('The café opens at 8 am ☕.');
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 19, completion_tokens: 8, total_tokens: 27 });
    expect(chunks[0]?.obfuscation).toBe('kX3');
    expect(JSON.parse(received[0]?.body ?? '')).toMatchObject({ stream: true });
  });

  it('assembles a recorded tool-call stream', async () => {
    replies.push(sse('chat-stream-tool-call.sse'));
    const chunks = await collect(await open().stream(chat, { signal: signal() }));
    const calls = chunks.flatMap((chunk) => chunk.choices.flatMap((choice) => choice.delta.tool_calls ?? []));
    expect(calls[0]).toMatchObject({
      id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA',
      function: { name: 'get_weather' },
    });
    const args = calls.map((call) => call.function?.arguments ?? '').join('');
    expect(JSON.parse(args)).toEqual({ location: 'Paris, France' });
    expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe(
      'tool_calls',
    );
  });

  it('reads \\r\\n line ends, comments and multi-line data', async () => {
    replies.push(sse('chat-stream-crlf-comments.sse', 5));
    const chunks = await collect(await open().stream(chat, { signal: signal() }));
    expect(contentOf(chunks)).toBe('Hello there!');
  });

  it('counts and yields a usage chunk when include_usage was asked but the upstream sent none', async () => {
    replies.push(sse('chat-stream-crlf-comments.sse'));
    const chunks = await collect(
      await open().stream({ ...chat, stream_options: { include_usage: true } }, { signal: signal() }),
    );
    const last = chunks.at(-1);
    const prompt = tokenCounter.countChat(chat.messages);
    const completion = tokenCounter.countText('Hello there!');
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual({
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
    });
  });

  it('does not invent usage when it was not asked for', async () => {
    replies.push(sse('chat-stream-crlf-comments.sse'));
    const chunks = await collect(await open().stream(chat, { signal: signal() }));
    expect(chunks.some((chunk) => chunk.usage)).toBe(false);
  });

  it.each([
    ['a stream cut before [DONE]', 'chat-stream-cut.sse', /before \[DONE\]/],
    ['an unparsable chunk', 'chat-stream-unparsable-chunk.sse', /unparsable chunk/],
    ['an in-band error object', 'chat-stream-in-band-error.sse', /The server had an error while processing/],
  ])('throws a retryable upstream_error on %s', async (_name, file, message) => {
    replies.push(sse(file));
    const stream = await open().stream(chat, { signal: signal() });
    const chunks: ChatCompletionChunk[] = [];
    const error = await failure(
      (async () => {
        for await (const chunk of stream) chunks.push(chunk);
      })(),
    );
    expect(error).toMatchObject({ code: 'upstream_error', retryable: true });
    expect(error.message).toMatch(message);
    expect(chunks.length).toBeGreaterThan(0);
  });

  it('throws the mapped error from stream() itself when the upstream refuses the request', async () => {
    replies.push(json('error-429-rate-limit.json', 429, { 'retry-after': '3' }));
    expect(await failure(open().stream(chat, { signal: signal() }))).toMatchObject({
      code: 'rate_limited',
      retryAfterMs: 3000,
    });
  });

  it('rejects a JSON answer to a stream request', async () => {
    replies.push(json('chat-completion.json'));
    expect((await failure(open().stream(chat, { signal: signal() }))).code).toBe('upstream_error');
  });

  it('close() during iteration destroys the body and ends the iteration quietly', async () => {
    replies.push({
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: fixture('chat-stream.sse').subarray(0, 400),
    });
    const provider = open();
    const stream = await provider.stream(chat, { signal: signal() });
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      await stream.close();
    }
    expect(chunks).toHaveLength(1);
    await stream.close();
  });

  it('close() before iteration cuts the connection and leaves nothing to iterate', async () => {
    replies.push(sse('chat-stream.sse', 16));
    const provider = open();
    const stream = await provider.stream(chat, { signal: signal() });
    await stream.close();
    expect(await collect(stream)).toEqual([]);
    await vi.waitFor(() => expect(cutResponses).toBe(1));
    expect((await provider.complete(chat, { signal: signal() })).object).toBe('chat.completion');
  });

  it('throws the abort reason when the signal aborts mid-stream', async () => {
    const head = fixture('chat-stream.sse').subarray(0, 400);
    replies.push({
      status: 200,
      headers: { 'content-type': 'text/event-stream' },
      body: head,
      keepOpen: true,
    });
    const controller = new AbortController();
    const stream = await open().stream(chat, { signal: controller.signal });
    const reason = new SlipwayError('client_closed', 'The client went away');
    const error = await failure(
      (async () => {
        for await (const _chunk of stream) controller.abort(reason);
      })(),
    );
    expect(error).toBe(reason);
  });
});

describe('openai-compatible provider: error mapping', () => {
  const cases: Array<{ name: string; reply: Reply; expected: Partial<SlipwayError>; message?: RegExp }> = [
    {
      name: '429 with Retry-After seconds',
      reply: json('error-429-rate-limit.json', 429, { 'retry-after': '2' }),
      expected: { code: 'rate_limited', retryable: true, retryAfterMs: 2000, upstreamStatus: 429 },
      message: /Rate limit reached for gpt-4o-mini/,
    },
    {
      name: '429 with Retry-After as an HTTP date',
      reply: json('error-429-rate-limit.json', 429, {
        'retry-after': new Date(Date.now() + 60_000).toUTCString(),
      }),
      expected: { code: 'rate_limited', retryable: true },
    },
    {
      name: '429 with retry-after-ms',
      reply: json('error-429-rate-limit.json', 429, { 'retry-after-ms': '120' }),
      expected: { code: 'rate_limited', retryAfterMs: 120 },
    },
    {
      name: '500',
      reply: json('error-500-server-error.json', 500),
      expected: { code: 'upstream_error', retryable: true, upstreamStatus: 500 },
      message: /The server had an error/,
    },
    {
      name: '502 HTML page',
      reply: {
        status: 502,
        headers: { 'content-type': 'text/html' },
        body: fixture('error-502-bad-gateway.html'),
      },
      expected: { code: 'upstream_unavailable', retryable: true, upstreamStatus: 502 },
      message: /answered 502: 502 Bad Gateway$/,
    },
    {
      name: '503',
      reply: json('error-503-overloaded.json', 503, { 'retry-after': '1' }),
      expected: { code: 'upstream_unavailable', retryable: true, upstreamStatus: 503, retryAfterMs: 1000 },
      message: /overloaded/,
    },
    {
      name: '504',
      reply: {
        status: 504,
        headers: { 'content-type': 'text/html' },
        body: fixture('error-504-gateway-timeout.html'),
      },
      expected: { code: 'upstream_unavailable', retryable: true, upstreamStatus: 504 },
    },
    {
      name: '400 context_length_exceeded',
      reply: json('error-400-context-length.json', 400),
      expected: { code: 'context_length_exceeded', retryable: false, upstreamStatus: 400, param: 'messages' },
      message: /maximum context length is 128000 tokens/,
    },
    {
      name: '400 "maximum context length" without a code (vLLM)',
      reply: json('error-400-context-length-vllm.json', 400),
      expected: { code: 'context_length_exceeded', retryable: false },
    },
    {
      name: '400 invalid value',
      reply: json('error-400-invalid-value.json', 400),
      expected: { code: 'invalid_request', retryable: false, param: 'temperature', upstreamStatus: 400 },
      message: /Invalid value for 'temperature'/,
    },
    {
      name: '401',
      reply: json('error-401-invalid-api-key.json', 401),
      expected: { code: 'unauthorized', retryable: false, upstreamStatus: 401 },
      message: /Incorrect API key provided/,
    },
    {
      name: '403',
      reply: json('error-403-unsupported-region.json', 403),
      expected: { code: 'forbidden', retryable: false, upstreamStatus: 403 },
    },
    {
      name: '404',
      reply: json('error-404-model-not-found.json', 404),
      expected: { code: 'not_found', retryable: false, upstreamStatus: 404 },
      message: /does not exist/,
    },
    {
      name: 'a connection reset',
      reply: 'reset',
      expected: { code: 'upstream_unavailable', retryable: true, upstreamStatus: undefined },
    },
  ];

  for (const { name, reply, expected, message } of cases) {
    it(`maps ${name}`, async () => {
      const provider = open();
      replies.push(reply);
      const error = await failure(provider.complete(chat, { signal: signal() }));
      expect(error).toMatchObject(expected);
      if (message) expect(error.message).toMatch(message);
      // Embeddings share the mapping.
      replies.push(reply);
      expect(await failure(provider.embed({ model: 'm', input: 'x' }, { signal: signal() }))).toMatchObject(
        expected,
      );
    });
  }

  it('maps the Retry-After date to the remaining delay', async () => {
    replies.push(
      json('error-429-rate-limit.json', 429, { 'retry-after': new Date(Date.now() + 60_000).toUTCString() }),
    );
    const error = await failure(open().complete(chat, { signal: signal() }));
    expect(error.retryAfterMs).toBeGreaterThan(55_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('maps a refused connection to upstream_unavailable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const provider = open({ baseUrl: `http://127.0.0.1:${port}/v1` });
    expect(await failure(provider.complete(chat, { signal: signal() }))).toMatchObject({
      code: 'upstream_unavailable',
      retryable: true,
    });
    expect((await failure(provider.ping(signal()))).code).toBe('upstream_unavailable');
  });

  it('rethrows a SlipwayError abort reason as is', async () => {
    replies.push('hang');
    const controller = new AbortController();
    const reason = new SlipwayError('client_closed', 'The client went away');
    const pending = open().complete(chat, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);
    expect(await failure(pending)).toBe(reason);
  });

  it('maps any other abort to a retryable timeout', async () => {
    replies.push('hang');
    expect(await failure(open().complete(chat, { signal: AbortSignal.timeout(30) }))).toMatchObject({
      code: 'timeout',
      retryable: true,
    });
  });
});
