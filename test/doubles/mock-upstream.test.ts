import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from './mock-upstream.js';

let mock: MockUpstream;

beforeEach(async () => {
  mock = await startMockUpstream({ slowChunks: { count: 3, delayMs: 15 } });
});

afterEach(async () => {
  await mock.close();
});

function post(path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) {
  return fetch(`${mock.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal,
  });
}

const chat = (extra: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});

function dataLines(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length));
}

function streamedContent(text: string): string {
  return dataLines(text)
    .filter((data) => data !== '[DONE]')
    .map(
      (data) =>
        (JSON.parse(data) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ??
        '',
    )
    .join('');
}

describe('mock upstream', () => {
  it('answers chat completions, echoing the model, and records requests', async () => {
    const response = await post('/chat/completions', chat({ unknown_field: 1 }), {
      authorization: 'Bearer sk-x',
    });
    expect(response.status).toBe(200);
    const completion = (await response.json()) as {
      model: string;
      choices: Array<{ message: { content: string } }>;
    };
    expect(completion.model).toBe('gpt-4o-mini');
    expect(completion.choices[0]?.message.content).toBe('Hello from the mock upstream.');
    expect(mock.requests).toHaveLength(1);
    expect(mock.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      body: chat({ unknown_field: 1 }),
      behaviour: 'ok',
    });
    expect(mock.requests[0]?.headers.authorization).toBe('Bearer sk-x');
  });

  it('streams word chunks, a usage chunk when asked, and [DONE]', async () => {
    const response = await post(
      '/chat/completions',
      chat({ stream: true, stream_options: { include_usage: true } }),
    );
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const text = await response.text();
    expect(streamedContent(text)).toBe('Hello from the mock upstream.');
    const data = dataLines(text);
    expect(data.at(-1)).toBe('[DONE]');
    expect(JSON.parse(data.at(-2) ?? '')).toMatchObject({ choices: [], usage: { completion_tokens: 5 } });
  });

  it('plays queued behaviours in order, then answers normally', async () => {
    mock.enqueue('status-500', 'status-429', 'ok');
    expect((await post('/chat/completions', chat())).status).toBe(500);
    const limited = await post('/chat/completions', chat());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect((await post('/chat/completions', chat())).status).toBe(200);
    expect((await post('/chat/completions', chat())).status).toBe(200);
  });

  it('takes the fault from the x-mock-fault header or a fault: model', async () => {
    expect((await post('/chat/completions', chat(), { 'x-mock-fault': 'status-503' })).status).toBe(503);
    const tooLong = await post('/chat/completions', chat({ model: 'fault:context-length' }));
    expect(tooLong.status).toBe(400);
    expect(await tooLong.json()).toMatchObject({ error: { code: 'context_length_exceeded' } });
    expect((await post('/chat/completions', chat({ model: 'fault:429' }))).status).toBe(429);
    expect((await post('/chat/completions', chat({ model: 'fault:nonsense' }))).status).toBe(400);
  });

  it('resets the connection', async () => {
    await expect(post('/chat/completions', chat({ model: 'fault:reset' }))).rejects.toThrow();
  });

  it('hangs until the client aborts', async () => {
    const started = performance.now();
    await expect(
      post('/chat/completions', chat({ model: 'fault:hang' }), {}, AbortSignal.timeout(60)),
    ).rejects.toThrow();
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
  });

  it('breaks streams in the ways upstreams do', async () => {
    const streamed = async (fault: string) =>
      (await post('/chat/completions', chat({ stream: true, model: `fault:${fault}` }))).text();
    const invalid = dataLines(await streamed('invalid-json-chunk'));
    expect(() => invalid.forEach((data) => data !== '[DONE]' && JSON.parse(data))).toThrow(SyntaxError);
    const cut = dataLines(await streamed('cut-stream'));
    expect(cut.length).toBeGreaterThan(0);
    expect(cut).not.toContain('[DONE]');
    const inBand = dataLines(await streamed('error-chunk'));
    expect(JSON.parse(inBand.at(-1) ?? '')).toMatchObject({ error: { type: 'server_error' } });
    await expect(streamed('reset-mid-stream')).rejects.toThrow();
  });

  it('streams slow chunks at the configured pace', async () => {
    const started = performance.now();
    const text = await (await post('/chat/completions', chat({ stream: true, model: 'fault:slow' }))).text();
    expect(performance.now() - started).toBeGreaterThanOrEqual(40);
    expect(streamedContent(text)).toBe('tok tok tok ');
    const explicit = await (
      await post('/chat/completions', chat({ stream: true }), { 'x-mock-fault': 'slow-5x1' })
    ).text();
    expect(streamedContent(explicit)).toBe('tok '.repeat(5));
  });

  it('serves embeddings (float and base64) and models', async () => {
    const floats = (await (await post('/embeddings', { model: 'e', input: ['a', 'b'] })).json()) as {
      data: Array<{ index: number; embedding: number[] }>;
    };
    expect(floats.data.map((item) => item.index)).toEqual([0, 1]);
    expect(floats.data[0]?.embedding).toHaveLength(8);
    const base64 = (await (
      await post('/embeddings', { model: 'e', input: 'a', encoding_format: 'base64' })
    ).json()) as {
      data: Array<{ embedding: string }>;
    };
    const bytes = Buffer.from(base64.data[0]?.embedding ?? '', 'base64');
    expect(bytes.readFloatLE(0)).toBeCloseTo(floats.data[0]?.embedding[0] ?? Number.NaN, 6);
    const models = (await (await fetch(`${mock.url}/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((model) => model.id)).toContain('mock-model');
  });

  it('closes with requests still hanging', async () => {
    const pending = post('/chat/completions', chat({ model: 'fault:hang' })).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await mock.close();
    expect(await pending).toBeInstanceOf(Error);
    mock = await startMockUpstream();
  });
});
