import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MockUpstream, startMockUpstream } from '../doubles/mock-upstream.js';
import { type OtlpReceiver, startOtlpReceiver } from '../doubles/otlp-receiver.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const PROMPT = 'Please confirm the launch with captain.ahab@pequod.example today.';

let receiver: OtlpReceiver;
let mock: MockUpstream;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  mock = await startMockUpstream({ content: 'Launch confirmed.' });
});
afterAll(async () => {
  await mock.close();
  await receiver.close();
});

function configFor(telemetry: string): string {
  return `
providers:
  - { id: mock, kind: openai-compatible, baseUrl: "${mock.url}" }
routes:
  - { model: mock-chat, targets: [ { provider: mock, model: mock-model } ] }
telemetry:
  otlp: ${telemetry}
`;
}

function clientOf(gateway: TestGateway): OpenAI {
  return new OpenAI({ baseURL: `${gateway.baseUrl}/v1`, apiKey: gateway.appKey, maxRetries: 0 });
}

/** A loopback port that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The span id the gateway sent upstream in `traceparent` for the request with this trace id. */
function upstreamParentSpan(traceId: string): string | undefined {
  for (const request of mock.requests) {
    const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(String(request.headers.traceparent ?? ''));
    if (match?.[1] === traceId) return match[2];
  }
  return undefined;
}

describe('OpenTelemetry export through the real server', () => {
  let gateway: TestGateway;
  const errors: unknown[] = [];

  beforeAll(async () => {
    gateway = await startTestGateway(
      configFor(`{ endpoint: "${receiver.url}", serviceName: slipway-e2e, exportIntervalMs: 200 }`),
      errors,
    );
  });
  afterAll(async () => {
    await gateway.close();
  });

  it('exports the request as a span of the caller’s trace, the upstream’s parent, with an attempt child', async () => {
    const { data: completion, response } = await clientOf(gateway)
      .chat.completions.create(
        { model: 'mock-chat', messages: [{ role: 'user', content: PROMPT }], max_tokens: 50 },
        { headers: { traceparent: `00-${CALLER_TRACE}-${CALLER_SPAN}-01` } },
      )
      .withResponse();
    expect(response.status).toBe(200);
    expect(completion.choices[0]?.message.content).toBe('Launch confirmed.');

    const span = await receiver.waitFor(() =>
      receiver.spans.find(
        (candidate) => candidate.traceId === CALLER_TRACE && candidate.name === 'chat mock-chat',
      ),
    );
    expect(span.parentSpanId).toBe(CALLER_SPAN);
    // The span the upstream was told is its parent is the one exported, so the upstream's spans nest under it.
    expect(span.spanId).toBe(upstreamParentSpan(CALLER_TRACE));
    expect(span.resource['service.name']).toBe('slipway-e2e');
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'mock',
      'gen_ai.request.model': 'mock-chat',
      'gen_ai.request.max_tokens': 50,
      'gen_ai.response.finish_reasons': ['stop'],
      'server.address': '127.0.0.1',
      'slipway.status': 'success',
    });
    expect(Number(span.attributes['gen_ai.usage.output_tokens'])).toBeGreaterThan(0);

    const attempt = await receiver.waitFor(() =>
      receiver.spans.find((candidate) => candidate.parentSpanId === span.spanId),
    );
    expect(attempt).toMatchObject({ traceId: CALLER_TRACE, name: 'chat mock-model' });
    expect(attempt.attributes).toMatchObject({
      'gen_ai.request.model': 'mock-model',
      'server.address': '127.0.0.1',
      'slipway.attempt.index': 0,
    });

    // Content capture is off by default.
    expect(span.attributes).not.toHaveProperty('gen_ai.input.messages');
    expect(JSON.stringify(receiver.spans)).not.toContain('pequod');

    const usage = await receiver.waitFor(() =>
      receiver.metrics.find(
        (metric) =>
          metric.name === 'gen_ai.client.token.usage' &&
          metric.points.some((point) => point.attributes['gen_ai.request.model'] === 'mock-chat'),
      ),
    );
    expect(usage.resource['service.name']).toBe('slipway-e2e');
    await receiver.waitFor(() =>
      receiver.metrics.find((metric) => metric.name === 'gen_ai.client.operation.duration'),
    );
  });

  it('exports a streamed request with its time to first chunk', async () => {
    const traceId = 'a'.repeat(32);
    const stream = await clientOf(gateway).chat.completions.create(
      { model: 'mock-chat', messages: [{ role: 'user', content: 'Stream it.' }], stream: true },
      { headers: { traceparent: `00-${traceId}-${'b'.repeat(16)}-01` } },
    );
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Launch confirmed.');

    const span = await receiver.waitFor(() =>
      receiver.spans.find((candidate) => candidate.traceId === traceId),
    );
    expect(span.attributes['gen_ai.request.stream']).toBe(true);
    expect(typeof span.attributes['gen_ai.response.time_to_first_chunk']).toBe('number');
    await receiver.waitFor(() =>
      receiver.metrics.find((metric) => metric.name === 'gen_ai.client.operation.time_to_first_chunk'),
    );
  });

  it('exports no span for a caller that did not sample its trace', async () => {
    const traceId = 'c'.repeat(32);
    await clientOf(gateway).chat.completions.create(
      { model: 'mock-chat', messages: [{ role: 'user', content: 'Quietly.' }] },
      { headers: { traceparent: `00-${traceId}-${'d'.repeat(16)}-00` } },
    );
    await gateway.app.telemetry?.flush();
    expect(receiver.spans.some((span) => span.traceId === traceId)).toBe(false);
  });
});

describe('OpenTelemetry export with content capture', () => {
  it('exports the messages redacted exactly as the log stores them', async () => {
    const gateway = await startTestGateway(
      configFor(`{ endpoint: "${receiver.url}", captureContent: true }`),
    );
    try {
      const traceId = 'e'.repeat(32);
      await clientOf(gateway).chat.completions.create(
        { model: 'mock-chat', messages: [{ role: 'user', content: PROMPT }] },
        { headers: { traceparent: `00-${traceId}-${'f'.repeat(16)}-01` } },
      );
      await gateway.app.telemetry?.flush();
      const span = await receiver.waitFor(() =>
        receiver.spans.find(
          (candidate) => candidate.traceId === traceId && candidate.parentSpanId === 'f'.repeat(16),
        ),
      );
      expect(JSON.parse(String(span.attributes['gen_ai.input.messages']))).toEqual([
        { role: 'user', parts: [{ type: 'text', content: 'Please confirm the launch with [EMAIL] today.' }] },
      ]);
      expect(JSON.parse(String(span.attributes['gen_ai.output.messages']))).toEqual([
        { role: 'assistant', parts: [{ type: 'text', content: 'Launch confirmed.' }], finish_reason: 'stop' },
      ]);
      expect(JSON.stringify(receiver.spans)).not.toContain('pequod');
    } finally {
      await gateway.close();
    }
  });
});

describe('OpenTelemetry export to a dead endpoint', () => {
  it('never fails a request; the failures are logged and counted in /metrics', async () => {
    const errors: unknown[] = [];
    const gateway = await startTestGateway(
      configFor(`{ endpoint: "http://127.0.0.1:${await closedPort()}", timeoutMs: 500 }`),
      errors,
    );
    try {
      const client = clientOf(gateway);
      for (let index = 0; index < 10; index += 1) {
        const { response } = await client.chat.completions
          .create({ model: 'mock-chat', messages: [{ role: 'user', content: `Ping ${index}` }] })
          .withResponse();
        expect(response.status).toBe(200);
      }
      await gateway.app.telemetry?.flush();
      const failures = gateway.app.telemetry?.stats().failures;
      expect(failures?.traces).toBeGreaterThanOrEqual(1);
      expect(failures?.metrics).toBeGreaterThanOrEqual(1);
      expect(errors.length).toBeGreaterThanOrEqual(2);

      const metrics = await fetch(`${gateway.baseUrl}/metrics`).then((response) => response.text());
      expect(metrics).toMatch(/^slipway_otlp_export_failures_total\{kind="traces"\} [1-9]\d*$/m);
      expect(metrics).toMatch(/^slipway_otlp_export_failures_total\{kind="metrics"\} [1-9]\d*$/m);
    } finally {
      await gateway.close();
    }
  });
});
