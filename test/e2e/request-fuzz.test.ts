import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../doubles/mock-upstream.js';
import { expectOpenAiError } from './expect-openai-error.js';
import { type Answer, sendRequest } from './send-request.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

// Fixed seeds: a failure names its counterexample, and the next run replays the same cases.
const RUNS = 500;
const BODY_LIMIT_BYTES = 256 * 1024;

type Endpoint = '/v1/chat/completions' | '/v1/embeddings';

let mock: MockUpstream;
let gateway: TestGateway;
const serverErrors: unknown[] = [];

// Both provider kinds: the offline models answer in-process, the upstream routes serialise the body onwards.
beforeAll(async () => {
  mock = await startMockUpstream({ record: false });
  gateway = await startTestGateway(
    `
server: { bodyLimitBytes: ${BODY_LIMIT_BYTES} }
providers:
  - { id: mock, kind: openai-compatible, baseUrl: "${mock.url}" }
routes:
  - { model: upstream-chat, targets: [ { provider: mock, model: mock-model } ] }
  - { model: upstream-embeddings, kind: embeddings, targets: [ { provider: mock, model: mock-embedding } ] }
`,
    serverErrors,
  );
});
afterAll(async () => {
  await gateway.close();
  await mock.close();
});

/** A raw JSON token standing in a value, spliced into the text after JSON.stringify (for `1e999`, `-0` …). */
const RAW = '\u0001raw:';
const raw = (text: string) => `${RAW}${text}\u0001`;
function toJsonText(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0001raw:(.*?)\\u0001"/g, '$1');
}

function nested(depth: number, leaf: unknown, asObject: boolean): unknown {
  let value = leaf;
  for (let level = 0; level < depth; level++) value = asObject ? { a: value } : [value];
  return value;
}

/** Values that break naive validation: wrong types, edge numbers, odd strings, deep or wide structures. */
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    true,
    false,
    0,
    -1,
    1,
    2.5,
    129,
    -0.0001,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER,
    2 ** 53 + 1,
    '',
    ' ',
    '\u0000',
    'NaN',
    'Infinity',
    '-1',
    'null',
    'user',
    'json_schema',
    [],
    {},
    [null],
    [{}],
    [''],
    [1, 2, 3],
    { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
    { type: 'function', function: { name: 'f' } },
    raw('1e999'),
    raw('-1e999'),
    raw('123456789012345678901234567890'),
    raw('1e-400'),
    raw('-0'),
    raw('1.0'),
  ),
  fc.integer(),
  fc.double(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(2_000, 30_000, 300_000).map((length) => 'refund days '.repeat(length / 12)),
  fc
    .record({ depth: fc.integer({ min: 1, max: 400 }), asObject: fc.boolean() })
    .map(({ depth, asObject }) => nested(depth, 'deep', asObject)),
  fc.array(fc.constantFrom('a', 1, null, {}), { minLength: 100, maxLength: 3000 }),
  fc.jsonValue({ maxDepth: 3 }),
);

const chatMessages = [
  { role: 'system', content: 'Refunds are accepted within 30 days. Shipping takes five days.' },
  { role: 'user', content: 'How long do I have for a refund?' },
];

/** Valid chat bodies, with a varied set of optional fields. */
const validChatBody = fc.record(
  {
    model: fc.constantFrom('offline-extractive', 'upstream-chat'),
    messages: fc.constant(chatMessages),
    stream: fc.boolean(),
    stream_options: fc.record({ include_usage: fc.boolean() }),
    max_tokens: fc.integer({ min: 1, max: 4096 }),
    n: fc.integer({ min: 1, max: 3 }),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    seed: fc.integer(),
    stop: fc.array(fc.string({ maxLength: 5 }), { maxLength: 4 }),
    user: fc.string({ maxLength: 256 }),
    metadata: fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 }), { maxKeys: 3 }),
    response_format: fc.constantFrom({ type: 'text' }, { type: 'json_object' }),
  },
  { requiredKeys: ['model', 'messages'] },
);

const nonBlankText = (maxLength: number) =>
  fc.string({ minLength: 1, maxLength }).filter((text) => text.trim() !== '');

const validEmbeddingBody = fc.record(
  {
    model: fc.constantFrom('offline-hashed-ngrams', 'upstream-embeddings'),
    input: fc.oneof(
      nonBlankText(200),
      // OpenAI refuses empty strings among the inputs; the offline embeddings refuse blank ones (nothing to hash).
      fc.array(nonBlankText(50), { minLength: 1, maxLength: 20 }),
      fc.array(fc.nat({ max: 100_000 }), { minLength: 1, maxLength: 20 }),
    ),
    encoding_format: fc.constantFrom('float', 'base64'),
    user: fc.string({ maxLength: 256 }),
  },
  { requiredKeys: ['model', 'input'] },
);

const CHAT_PATHS = [
  'model',
  'messages',
  'messages.0',
  'messages.0.role',
  'messages.0.content',
  'messages.1',
  'messages.1.content',
  'messages.1.name',
  'messages.1.tool_calls',
  'messages.1.tool_call_id',
  'stream',
  'stream_options',
  'stream_options.include_usage',
  'max_tokens',
  'max_completion_tokens',
  'n',
  'temperature',
  'top_p',
  'seed',
  'stop',
  'user',
  'metadata',
  'tools',
  'tool_choice',
  'response_format',
  'response_format.type',
  'response_format.json_schema',
  'logit_bias',
  'presence_penalty',
];
const EMBEDDING_PATHS = ['model', 'input', 'input.0', 'input.1', 'encoding_format', 'dimensions', 'user'];

/** Sets the field at a dotted path to `value`, or deletes it when `remove` is set. */
interface Edit {
  path: string;
  value: unknown;
  remove: boolean;
}

function applyEdits(body: Record<string, unknown>, edits: readonly Edit[]): unknown {
  const copy = structuredClone(body);
  for (const edit of edits) {
    const keys = edit.path.split('.');
    const last = keys.pop() ?? '';
    let parent: unknown = copy;
    for (const key of keys) {
      parent =
        typeof parent === 'object' && parent !== null ? (parent as Record<string, unknown>)[key] : null;
    }
    if (typeof parent !== 'object' || parent === null) continue;
    if (edit.remove) delete (parent as Record<string, unknown>)[last];
    else (parent as Record<string, unknown>)[last] = edit.value;
  }
  return copy;
}

function editsOf(paths: readonly string[]): fc.Arbitrary<Edit[]> {
  const edit = fc.record({
    path: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...paths) }, fc.string({ maxLength: 12 })),
    value: nastyValue,
    remove: fc.boolean(),
  });
  return fc.array(edit, { minLength: 1, maxLength: 4 });
}

/** Printable ASCII only: anything else is refused by the HTTP client itself, before reaching the server. */
const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 60,
});

function send(endpoint: Endpoint, options: { body: string | Uint8Array; headers?: Record<string, string> }) {
  return sendRequest(gateway.baseUrl, {
    path: endpoint,
    key: gateway.appKey,
    raw: options.body,
    headers: options.headers ?? { 'content-type': 'application/json' },
  });
}

function expectSuccess(endpoint: Endpoint, answer: Answer): void {
  expect(answer.status, answer.text).toBe(200);
  if (answer.headers['content-type']?.startsWith('text/event-stream')) {
    expect(endpoint).toBe('/v1/chat/completions');
    const events = answer.text.split('\n\n').filter((event) => event !== '');
    expect(events.at(-1), answer.text).toBe('data: [DONE]');
    for (const event of events.slice(0, -1)) {
      expect(JSON.parse(event.slice('data: '.length))).toMatchObject({ object: 'chat.completion.chunk' });
    }
    return;
  }
  const body = answer.json();
  if (endpoint === '/v1/chat/completions') {
    expect(body).toMatchObject({ object: 'chat.completion', choices: expect.any(Array) });
  } else {
    expect(body).toMatchObject({ object: 'list', data: expect.any(Array) });
  }
}

/** The fuzzing oracle: 2xx with a well-formed answer, or 4xx in OpenAI's shape; never 5xx. */
function expectHandled(endpoint: Endpoint, answer: Answer): void {
  expect(answer.status, answer.text).toBeLessThan(500);
  if (answer.status < 300) expectSuccess(endpoint, answer);
  else expectOpenAiError(answer);
}

const ENDPOINTS: Array<{
  endpoint: Endpoint;
  valid: fc.Arbitrary<Record<string, unknown>>;
  paths: string[];
}> = [
  { endpoint: '/v1/chat/completions', valid: validChatBody, paths: CHAT_PATHS },
  { endpoint: '/v1/embeddings', valid: validEmbeddingBody, paths: EMBEDDING_PATHS },
];

describe.each(ENDPOINTS)('fuzzing POST $endpoint', ({ endpoint, valid, paths }) => {
  it('answers every valid body with 200', async () => {
    await fc.assert(
      fc.asyncProperty(valid, headerText, async (body, endUser) => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (endUser.trim() !== '') headers['x-slipway-end-user'] = endUser.trim();
        expectSuccess(endpoint, await send(endpoint, { body: JSON.stringify(body), headers }));
      }),
      { numRuns: RUNS / 4, seed: 1 },
    );
  });

  it('never fails with 5xx on arbitrary JSON', async () => {
    const anyJson = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })),
      fc.record({
        model: fc.oneof(
          fc.constantFrom(
            'offline-extractive',
            'offline-hashed-ngrams',
            'upstream-chat',
            'upstream-embeddings',
          ),
          fc.jsonValue(),
        ),
        messages: fc.jsonValue(),
        input: fc.jsonValue(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(anyJson, async (value) => {
        expectHandled(endpoint, await send(endpoint, { body: JSON.stringify(value) }));
      }),
      { numRuns: RUNS, seed: 2 },
    );
  });

  it('never fails with 5xx on mutations of a valid body', async () => {
    const statuses = new Set<number>();
    await fc.assert(
      fc.asyncProperty(valid, editsOf(paths), async (body, edits) => {
        const answer = await send(endpoint, { body: toJsonText(applyEdits(body, edits)) });
        statuses.add(answer.status);
        expectHandled(endpoint, answer);
      }),
      { numRuns: RUNS, seed: 3 },
    );
    // The mutations reach past validation, and hit the size limit, not only the first schema check.
    expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 400, 413]));
  });

  it('never fails with 5xx on non-JSON bodies and wrong content types', async () => {
    const validText =
      fc.sample(
        valid.map((body) => JSON.stringify(body)),
        { numRuns: 1, seed: 4 },
      )[0] ?? '';
    const body = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.uint8Array({ maxLength: 200 }),
      fc.constantFrom('', ' ', 'null', '[]', '{', '}', '{"model":', '\ufeff{}', validText),
      fc.nat({ max: validText.length }).map((cut) => validText.slice(0, cut)),
      fc.string({ maxLength: 10 }).map((garbage) => `${validText}${garbage}x`),
      fc.constant(`{"a":"${'x'.repeat(BODY_LIMIT_BYTES)}"}`),
    );
    const contentType = fc.option(
      fc.oneof(
        fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'application/json; charset=latin1',
          'APPLICATION/JSON',
          'text/plain',
          'text/json',
          'text/html',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/octet-stream',
          'application/vnd.api+json',
          'application/*',
          '*/*',
          ';',
        ),
        headerText,
      ),
    );
    await fc.assert(
      fc.asyncProperty(body, contentType, async (payload, type) => {
        const headers: Record<string, string> = type === null ? {} : { 'content-type': type };
        expectHandled(endpoint, await send(endpoint, { body: payload, headers }));
      }),
      { numRuns: RUNS, seed: 5 },
    );
  });
});

describe('after fuzzing', () => {
  it('is still alive and logged no unexpected server error', async () => {
    await gateway.flushLog();
    expect((await sendRequest(gateway.baseUrl, { path: '/healthz' })).status).toBe(200);
    // Stacks, not just messages: an unexpected error is only useful with where it came from.
    const stacks = serverErrors.map((error) => (error instanceof Error ? error.stack : String(error)));
    expect(stacks.slice(0, 3)).toEqual([]);
  });
});

describe('deeply nested bodies', () => {
  // Valid JSON far under the body limit: 20 000 nested arrays in a field the gateway passes through untouched.
  const depth = 20_000;
  const deepBody = (model: string) =>
    `{"model":"${model}","messages":${JSON.stringify(chatMessages)},"extra":${'['.repeat(depth)}${']'.repeat(depth)}}`;

  it('answers a deeply nested body with 2xx or 4xx on a route to an upstream', async () => {
    expectHandled(
      '/v1/chat/completions',
      await send('/v1/chat/completions', { body: deepBody('upstream-chat') }),
    );
  });

  it('logs the prompt of an accepted request whose body carries a deeply nested extra field', async () => {
    const answer = await send('/v1/chat/completions', { body: deepBody('offline-extractive') });
    // Refusing the body would do; accepting it means the audit log must show what was asked.
    if (answer.status >= 400) {
      expectOpenAiError(answer);
      return;
    }
    await gateway.flushLog();
    const logged = await gateway.app.store.getInteraction(answer.headers['x-slipway-interaction-id'] ?? '');
    expect(JSON.stringify(logged?.request)).toContain('How long do I have for a refund?');
  });
});

describe('malformed URLs', () => {
  it.each([
    ['a bad percent-encoding in a model id', 'GET', '/v1/models/%ff'],
    ['an id over 100 characters', 'GET', `/api/interactions/${'i'.repeat(101)}`],
    ['a bad percent-encoding in a path', 'POST', '/v1/chat/completions/%ff'],
  ] as const)('answers %s in OpenAI shape', async (_case, method, path) => {
    const answer = await sendRequest(gateway.baseUrl, { method, path, key: gateway.appKey });
    expect(answer.status).toBeLessThan(500);
    expectOpenAiError(answer);
  });
});
