import { describe, expect, it } from 'vitest';
import type { ChatCompletion, ChatCompletionChunk, ChatMessage, ChatRequest } from '../../../core/chat.js';
import { SlipwayError } from '../../../core/errors.js';
import { renderRetrievalContext } from '../../../core/retrieval/retrieval-context.js';
import type { ChatStream } from '../../../ports/model-provider.js';
import { createTokenCounter } from '../../tokenizer/index.js';
import { createOfflineProvider, OFFLINE_MODELS } from './index.js';

const tokenCounter = createTokenCounter();
const provider = createOfflineProvider({ id: 'offline', tokenCounter });
const call = () => ({ signal: new AbortController().signal });

const SUPPORT: ChatMessage[] = [
  {
    role: 'system',
    content:
      'You are the support assistant of Acme Store. Refunds are issued within 14 days of the return being ' +
      'received. Shipping is free for orders over 50 euros. Our support line is open from 9 am to 5 pm on weekdays.',
  },
  { role: 'user', content: 'Hi! Can I ask something about my order?' },
  { role: 'assistant', content: 'Of course. How can I help?' },
  {
    role: 'tool',
    tool_call_id: 'call_1',
    content: 'Order 1234 was shipped on 3 March by DHL. The parcel weighs 2.5 kg.',
  },
];

const ask = (question: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'offline-extractive',
  messages: [...SUPPORT, { role: 'user', content: question }],
  ...extra,
});

/** The text of the first choice; the offline model always answers a string or null. */
function textOf(completion: ChatCompletion): string {
  const content = completion.choices[0]?.message.content;
  return typeof content === 'string' ? content : '';
}

async function collect(stream: ChatStream): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
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

describe('offline-extractive chat model', () => {
  it('answers with the most relevant sentence and cites its message', async () => {
    const completion = await provider.complete(
      ask('How long do refunds take after I return an item?'),
      call(),
    );
    const content = completion.choices[0]?.message.content;
    expect(content).toBe(
      'Refunds are issued within 14 days of the return being received. [1]\n\nSources:\n[1] messages[0] (system)',
    );
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.model).toBe('offline-extractive');
  });

  it('quotes tool results and several sentences, best first', async () => {
    const completion = await provider.complete(
      ask('When was order 1234 shipped, and how much does the parcel weigh?'),
      call(),
    );
    const content = textOf(completion);
    expect(content).toMatch(/^Order 1234 was shipped on 3 March by DHL\. \[1\]/);
    expect(content).toContain('The parcel weighs 2.5 kg. [2]');
    expect(content).toContain('[1] messages[3] (tool)');
    expect(content).not.toContain('Refunds');
  });

  it('quotes retrieved documents without their fences and cites each by document and chunk', async () => {
    const context = renderRetrievalContext([
      { documentId: 'q3.md', chunkIndex: 2, text: 'The Q3 revenue grew by twelve percent.' },
      { documentId: 'office.md', chunkIndex: 0, text: 'The office is open on weekdays.' },
    ]);
    if (context === null) throw new Error('a context message');
    const request: ChatRequest = {
      model: 'offline-extractive',
      messages: [context, { role: 'user', content: 'How much did the Q3 revenue grow?' }],
    };
    const content = textOf(await provider.complete(request, call()));
    expect(content).toBe(
      'The Q3 revenue grew by twelve percent. [1]\n\nSources:\n[1] q3.md, chunk 2, in messages[0] (system)',
    );
    const json = await provider.complete({ ...request, response_format: { type: 'json_object' } }, call());
    expect(JSON.parse(textOf(json))).toMatchObject({
      sources: [{ citation: 1, document: 'q3.md', chunk: 2, text: 'The Q3 revenue grew by twelve percent.' }],
    });
  });

  it('does not answer a question with an earlier question', async () => {
    const completion = await provider.complete(ask('Can I ask something about my order?'), call());
    expect(completion.choices[0]?.message.content).not.toContain('Can I ask');
  });

  it('says plainly what it is when nothing in the conversation matches', async () => {
    const completion = await provider.complete(ask('What is the meaning of life?'), call());
    expect(completion.choices[0]?.message.content).toMatch(/offline extractive model.*none of them matches/);
    const noQuestion = await provider.complete(
      { model: 'offline-extractive', messages: [{ role: 'system', content: 'Be brief.' }] },
      call(),
    );
    expect(noQuestion.choices[0]?.message.content).toMatch(/no user message/);
  });

  it('reads the text parts of multi-part messages', async () => {
    const completion = await provider.complete(
      {
        model: 'offline-extractive',
        messages: [
          { role: 'developer', content: [{ type: 'text', text: 'The office is located in Lyon.' }] },
          { role: 'user', content: [{ type: 'text', text: 'Where is the office located?' }] },
        ],
      },
      call(),
    );
    expect(completion.choices[0]?.message.content).toContain('The office is located in Lyon. [1]');
  });

  it('counts usage with the token counter', async () => {
    const request = ask('How long do refunds take?');
    const completion = await provider.complete(request, call());
    const content = textOf(completion);
    const prompt = tokenCounter.countChat(request.messages);
    const answer = tokenCounter.countText(content);
    expect(completion.usage).toEqual({
      prompt_tokens: prompt,
      completion_tokens: answer,
      total_tokens: prompt + answer,
    });
  });

  it('emits valid JSON with the answer and its sources in json_object mode', async () => {
    const completion = await provider.complete(
      ask('How long do refunds take?', { response_format: { type: 'json_object' } }),
      call(),
    );
    const parsed = JSON.parse(textOf(completion)) as unknown;
    expect(parsed).toEqual({
      answer: 'Refunds are issued within 14 days of the return being received.',
      sources: [
        {
          citation: 1,
          message: 0,
          role: 'system',
          text: 'Refunds are issued within 14 days of the return being received.',
        },
      ],
    });
    const nothing = await provider.complete(
      ask('What is the meaning of life?', { response_format: { type: 'json_object' } }),
      call(),
    );
    expect(JSON.parse(textOf(nothing))).toMatchObject({ sources: [] });
  });

  it('fills the required properties of a json_schema with extracted, type-correct values', async () => {
    const schema = {
      type: 'object',
      properties: {
        shipped_on: { type: 'string', description: 'When the order was shipped' },
        weight_kg: { type: 'number' },
        carrier: { type: 'string', enum: ['UPS', 'DHL', 'FedEx'] },
        express: { type: 'boolean' },
        parcels: { type: 'integer', minimum: 1 },
        address: { $ref: '#/$defs/address' },
        notes: { type: 'array', items: { type: 'string' } },
        optional: { type: 'string' },
      },
      required: ['shipped_on', 'weight_kg', 'carrier', 'express', 'parcels', 'address', 'notes'],
      $defs: {
        address: { type: 'object', properties: { city: { type: ['string', 'null'] } }, required: ['city'] },
      },
    };
    const completion = await provider.complete(
      ask('When was order 1234 shipped and how heavy is it?', {
        response_format: { type: 'json_schema', json_schema: { name: 'shipment', strict: true, schema } },
      }),
      call(),
    );
    const parsed = JSON.parse(textOf(completion)) as Record<string, unknown>;
    expect(Object.keys(parsed).sort()).toEqual(schema.required.slice().sort());
    expect(parsed).toMatchObject({
      shipped_on: 'Order 1234 was shipped on 3 March by DHL.',
      weight_kg: 2.5,
      carrier: 'DHL',
      express: false,
      address: { city: expect.any(String) as unknown },
    });
    expect(Number.isInteger(parsed.parcels)).toBe(true);
    expect(parsed.parcels).toBeGreaterThanOrEqual(1);
    expect(parsed.notes).toEqual(expect.arrayContaining(['Order 1234 was shipped on 3 March by DHL.']));
  });

  it('truncates to max_tokens with finish_reason length, max_completion_tokens first', async () => {
    const completion = await provider.complete(ask('How long do refunds take?', { max_tokens: 5 }), call());
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('length');
    expect(choice?.message.content).toBe('Refunds are issued within');
    expect(completion.usage?.completion_tokens).toBeLessThanOrEqual(5);
    const preferred = await provider.complete(
      ask('How long do refunds take?', { max_tokens: 5, max_completion_tokens: 2 }),
      call(),
    );
    expect(preferred.usage?.completion_tokens).toBeLessThanOrEqual(2);
    const roomy = await provider.complete(ask('How long do refunds take?', { max_tokens: 500 }), call());
    expect(roomy.choices[0]?.finish_reason).toBe('stop');
  });

  it('stops before the first stop sequence', async () => {
    const completion = await provider.complete(
      ask('How long do refunds take?', { stop: ['\n', 'days'] }),
      call(),
    );
    expect(completion.choices[0]?.message.content).toBe('Refunds are issued within 14 ');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
  });

  it('returns n identical choices and bills each', async () => {
    const one = await provider.complete(ask('How long do refunds take?'), call());
    const three = await provider.complete(ask('How long do refunds take?', { n: 3 }), call());
    expect(three.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
    expect(new Set(three.choices.map((choice) => choice.message.content)).size).toBe(1);
    expect(three.usage?.completion_tokens).toBe((one.usage?.completion_tokens ?? 0) * 3);
  });

  it('is deterministic, whatever the seed or temperature', async () => {
    const first = await provider.complete(
      ask('When was the order shipped?', { seed: 1, temperature: 0 }),
      call(),
    );
    const second = await provider.complete(
      ask('When was the order shipped?', { seed: 99, temperature: 2 }),
      call(),
    );
    expect(second.choices).toEqual(first.choices);
    expect(second.usage).toEqual(first.usage);
  });

  it('calls a forced function with arguments extracted from the conversation', async () => {
    const tools = [
      { type: 'function', function: { name: 'noop', description: 'Does nothing' } },
      {
        type: 'function',
        function: {
          name: 'lookup_refund',
          parameters: { type: 'object', properties: { days: { type: 'integer' } }, required: ['days'] },
        },
      },
    ];
    const forced = await provider.complete(
      ask('How long do refunds take?', {
        tools,
        tool_choice: { type: 'function', function: { name: 'lookup_refund' } },
      }),
      call(),
    );
    const choice = forced.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls?.[0]?.function).toEqual({
      name: 'lookup_refund',
      arguments: '{"days":14}',
    });

    const required = await provider.complete(
      ask('How long do refunds take?', { tools, tool_choice: 'required' }),
      call(),
    );
    expect(required.choices[0]?.message.tool_calls?.[0]?.function).toEqual({ name: 'noop', arguments: '{}' });

    const auto = await provider.complete(
      ask('How long do refunds take?', { tools, tool_choice: 'auto' }),
      call(),
    );
    expect(auto.choices[0]?.message.tool_calls).toBeUndefined();
    expect(auto.choices[0]?.message.content).toContain('14 days');

    const unknown = ask('x', { tools, tool_choice: { type: 'function', function: { name: 'missing' } } });
    expect(await failure(provider.complete(unknown, call()))).toMatchObject({
      code: 'invalid_request',
      param: 'tool_choice',
    });
  });

  it('rejects unknown models, the embedding model and invalid parameters', async () => {
    expect(await failure(provider.complete({ ...ask('x'), model: 'gpt-4o' }, call()))).toMatchObject({
      code: 'not_found',
      param: 'model',
    });
    expect(
      await failure(provider.complete({ ...ask('x'), model: 'offline-hashed-ngrams' }, call())),
    ).toMatchObject({
      code: 'invalid_request',
    });
    expect((await failure(provider.complete(ask('x', { max_tokens: 0 }), call()))).param).toBe('max_tokens');
    expect((await failure(provider.complete(ask('x', { n: 1.5 }), call()))).param).toBe('n');
    expect(
      (await failure(provider.complete({ model: 'offline-extractive', messages: [] }, call()))).param,
    ).toBe('messages');
  });

  it('throws the abort reason of an aborted signal', async () => {
    const reason = new SlipwayError('client_closed', 'gone');
    expect(await failure(provider.complete(ask('x'), { signal: AbortSignal.abort(reason) }))).toBe(reason);
    expect((await failure(provider.complete(ask('x'), { signal: AbortSignal.abort() }))).code).toBe(
      'timeout',
    );
  });
});

describe('offline-extractive streaming', () => {
  it('streams word-sized chunks that assemble to the non-stream answer', async () => {
    const request = ask('When was order 1234 shipped, and how much does the parcel weigh?');
    const completion = await provider.complete(request, call());
    const chunks = await collect(await provider.stream({ ...request, stream: true }, call()));
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(completion.choices[0]?.message.content);
    const pieces = chunks.slice(1, -1).map((chunk) => chunk.choices[0]?.delta.content ?? '');
    expect(pieces.length).toBeGreaterThan(10);
    expect(pieces.every((piece) => piece.trim().split(/\s+/).length === 1)).toBe(true);
    expect(chunks.at(-1)?.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'stop' });
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
  });

  it('ends with a usage chunk when include_usage is asked', async () => {
    const request = ask('How long do refunds take?', {
      max_tokens: 6,
      stream_options: { include_usage: true },
    });
    const completion = await provider.complete(request, call());
    const chunks = await collect(await provider.stream(request, call()));
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toEqual(completion.usage);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('length');
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it('streams a forced tool call', async () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'lookup_refund',
          parameters: { type: 'object', properties: { days: { type: 'integer' } } },
        },
      },
    ];
    const chunks = await collect(
      await provider.stream(ask('How long do refunds take?', { tools, tool_choice: 'required' }), call()),
    );
    const calls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'lookup_refund' } });
    expect(calls.map((delta) => delta.function?.arguments ?? '').join('')).toBe('{"days":14}');
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('streams every choice when n > 1', async () => {
    const chunks = await collect(await provider.stream(ask('How long do refunds take?', { n: 2 }), call()));
    const finished = chunks
      .filter((chunk) => chunk.choices[0]?.finish_reason)
      .map((chunk) => chunk.choices[0]?.index);
    expect(finished).toEqual([0, 1]);
  });

  it('stops after close() and throws the reason when the signal aborts', async () => {
    const stream = await provider.stream(ask('How long do refunds take?'), call());
    const seen: ChatCompletionChunk[] = [];
    for await (const chunk of stream) {
      seen.push(chunk);
      await stream.close();
    }
    expect(seen).toHaveLength(1);

    const controller = new AbortController();
    const reason = new SlipwayError('client_closed', 'gone');
    const aborting = await provider.stream(ask('How long do refunds take?'), { signal: controller.signal });
    const error = await failure(
      (async () => {
        for await (const _chunk of aborting) controller.abort(reason);
      })(),
    );
    expect(error).toBe(reason);
  });
});

function dot(left: number[], right: number[]): number {
  return left.reduce((sum, value, index) => sum + value * (right[index] ?? 0), 0);
}

async function embed(input: string[], extra: { dimensions?: number } = {}): Promise<number[][]> {
  const response = await provider.embed({ model: 'offline-hashed-ngrams', input, ...extra }, call());
  return response.data.map((item) => item.embedding as number[]);
}

describe('offline-hashed-ngrams embedding model', () => {
  it('returns L2-normalised vectors of 384 dimensions, or as many as asked', async () => {
    const [vector] = await embed(['Refunds are issued within 14 days.']);
    expect(vector).toHaveLength(384);
    expect(dot(vector ?? [], vector ?? [])).toBeCloseTo(1, 5);
    const [small] = await embed(['Refunds are issued within 14 days.'], { dimensions: 64 });
    expect(small).toHaveLength(64);
    expect(dot(small ?? [], small ?? [])).toBeCloseTo(1, 5);
  });

  it('puts lexically similar texts closer than unrelated ones', async () => {
    const [query, similar, unrelated] = await embed([
      'How long does a refund take?',
      'Refunds take 14 days after the return is received.',
      'The parcel was shipped by DHL on 3 March.',
    ]);
    expect(dot(query ?? [], similar ?? [])).toBeGreaterThan(dot(query ?? [], unrelated ?? []) + 0.1);
  });

  it('is deterministic', async () => {
    const first = await embed(['same text', 'other text']);
    const second = await embed(['same text', 'other text']);
    expect(second).toEqual(first);
  });

  it('encodes base64 as little-endian float32, as OpenAI does', async () => {
    const text = 'Shipping is free for orders over 50 euros.';
    const [floats] = await embed([text]);
    const response = await provider.embed(
      { model: 'offline-hashed-ngrams', input: text, encoding_format: 'base64' },
      call(),
    );
    const bytes = Buffer.from(response.data[0]?.embedding as string, 'base64');
    const decoded = Array.from({ length: bytes.length / 4 }, (_, index) => bytes.readFloatLE(index * 4));
    expect(decoded).toEqual(floats);
  });

  it('accepts a string, strings and token ids, and counts usage', async () => {
    const single = await provider.embed({ model: 'offline-hashed-ngrams', input: 'hello world' }, call());
    expect(single.data).toHaveLength(1);
    expect(single.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
    expect(single.model).toBe('offline-hashed-ngrams');
    const tokens = await provider.embed({ model: 'offline-hashed-ngrams', input: [[1, 2, 3], [4]] }, call());
    expect(tokens.data.map((item) => item.index)).toEqual([0, 1]);
    expect(tokens.usage.prompt_tokens).toBe(4);
  });

  it('rejects empty input, bad dimensions and the chat model', async () => {
    const embedding = (input: unknown, extra: Record<string, unknown> = {}) =>
      provider.embed({ model: 'offline-hashed-ngrams', input: input as string, ...extra }, call());
    expect((await failure(embedding(''))).param).toBe('input');
    expect((await failure(embedding([]))).param).toBe('input');
    expect((await failure(embedding('x', { dimensions: 0 }))).param).toBe('dimensions');
    expect((await failure(provider.embed({ model: 'offline-extractive', input: 'x' }, call()))).code).toBe(
      'invalid_request',
    );
  });
});

describe('offline model descriptors', () => {
  it('lists both models and says they are offline and not neural', () => {
    expect(OFFLINE_MODELS.map((model) => [model.id, model.kind])).toEqual([
      ['offline-extractive', 'chat'],
      ['offline-hashed-ngrams', 'embeddings'],
    ]);
    for (const model of OFFLINE_MODELS) expect(model.description).toMatch(/^Offline .*no neural network/);
    expect(OFFLINE_MODELS[1]?.dimensions).toBe(384);
  });
});
