import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { anAttempt, anInteraction, T0 } from '../../../test/contract/store-fixtures.js';
import {
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpReceiver,
} from '../../../test/doubles/otlp-receiver.js';
import { redactInteraction } from '../../compose/redact-interaction.js';
import type { InteractionRecord } from '../../core/interaction.js';
import { createRedactor } from '../../core/redaction/redactor.js';
import {
  createOtlpInteractionExporter,
  type OtlpInteractionExporter,
  type OtlpInteractionExporterOptions,
} from './index.js';

const CALLER_TRACE = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN = 'b7ad6b7169203331';
const GATEWAY_SPAN = '00f067aa0ba902b7';
const SPAN_KIND_CLIENT = 3;
const STATUS_ERROR = 2;

const redactor = createRedactor({ entities: ['email'] });

let receiver: OtlpReceiver;
const opened: OtlpInteractionExporter[] = [];
let errors: Array<{ message: string; error: unknown }> = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver.close();
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((exporter) => exporter.close()));
  receiver.spans.length = 0;
  receiver.metrics.length = 0;
  receiver.requests.length = 0;
  receiver.failWith(null);
  errors = [];
});

function openExporter(overrides: Partial<OtlpInteractionExporterOptions> = {}): OtlpInteractionExporter {
  const exporter = createOtlpInteractionExporter({
    endpoint: receiver.url,
    headers: { 'x-tenant': 'ops' },
    serviceName: 'slipway-test',
    exportIntervalMs: 60_000,
    timeoutMs: 2_000,
    captureContent: false,
    redact: (record) => redactInteraction(redactor, record),
    isKnownModel: (model) => model === 'smart',
    providerBaseUrl: (providerId) => (providerId === 'openai' ? 'https://api.openai.com/v1' : null),
    logError: (message, error) => errors.push({ message, error }),
    now: () => Date.now(),
    ...overrides,
  });
  opened.push(exporter);
  return exporter;
}

/** A chat served on its second attempt, continuing the caller's trace, with an e-mail address in the prompt. */
function servedChat(overrides: Partial<InteractionRecord> = {}): InteractionRecord {
  return anInteraction({
    id: 'int_otel',
    modelRequested: 'smart',
    target: 'openai/gpt-4o-mini',
    startedAt: T0,
    latencyMs: 800,
    request: {
      model: 'smart',
      messages: [{ role: 'user', content: 'Write to alice@example.com about the launch.' }],
      temperature: 0.5,
    },
    response: {
      id: 'chatcmpl-9',
      object: 'chat.completion',
      model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Done.' }, finish_reason: 'stop' }],
    },
    promptTokens: 30,
    completionTokens: 5,
    trace: { traceId: CALLER_TRACE, spanId: GATEWAY_SPAN, parentSpanId: CALLER_SPAN, sampled: true },
    attempts: [
      anAttempt({
        index: 0,
        startedAt: T0 + 10,
        latencyMs: 200,
        status: 'error',
        errorCode: 'upstream_unavailable',
        errorMessage: 'upstream said: alice@example.com is not allowed',
        upstreamStatus: 503,
      }),
      anAttempt({ index: 1, startedAt: T0 + 300, latencyMs: 480 }),
    ],
    ...overrides,
  });
}

const spanNamed = (name: string) => () => receiver.spans.find((span) => span.name === name);

describe('OTLP interaction exporter against a real OTLP/HTTP receiver', () => {
  it('exports the interaction span with the record’s ids under the caller’s span, and a child per attempt', async () => {
    const exporter = openExporter();
    exporter.record(servedChat());
    await exporter.flush();

    const interaction = await receiver.waitFor(spanNamed('chat smart'));
    expect(interaction).toMatchObject({
      traceId: CALLER_TRACE,
      spanId: GATEWAY_SPAN,
      parentSpanId: CALLER_SPAN,
      kind: SPAN_KIND_CLIENT,
      startMs: T0,
      endMs: T0 + 800,
      scope: 'slipway',
    });
    expect(interaction.resource['service.name']).toBe('slipway-test');
    expect(interaction.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'smart',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 30,
      'gen_ai.usage.output_tokens': 5,
      'gen_ai.request.temperature': 0.5,
      'server.address': 'api.openai.com',
      'server.port': 443,
      'slipway.interaction.id': 'int_otel',
      'slipway.attempts': 2,
    });
    // Content is off by default: neither the messages nor an error message that quotes them leave the process.
    expect(interaction.attributes).not.toHaveProperty('gen_ai.input.messages');
    expect(interaction.attributes).not.toHaveProperty('gen_ai.output.messages');

    const attempts = receiver.spans
      .filter((span) => span.parentSpanId === GATEWAY_SPAN)
      .sort((a, b) => a.startMs - b.startMs);
    expect(attempts).toHaveLength(2);
    const [failed, served] = attempts as [ReceivedSpan, ReceivedSpan];
    expect(failed).toMatchObject({
      traceId: CALLER_TRACE,
      name: 'chat gpt-4o-mini',
      kind: SPAN_KIND_CLIENT,
      startMs: T0 + 10,
      endMs: T0 + 210,
      status: { code: STATUS_ERROR, message: 'upstream_unavailable' },
    });
    expect(failed.attributes).toMatchObject({
      'error.type': 'upstream_unavailable',
      'http.response.status_code': 503,
      'slipway.attempt.index': 0,
    });
    expect(served.attributes).toMatchObject({
      'gen_ai.response.id': 'chatcmpl-9',
      'slipway.attempt.index': 1,
    });
    expect(JSON.stringify(receiver.spans)).not.toContain('alice@example.com');
    expect(receiver.requests.every((request) => request.headers['x-tenant'] === 'ops')).toBe(true);
  });

  it('exports the GenAI token usage and duration metrics', async () => {
    const exporter = openExporter();
    exporter.record(servedChat());
    exporter.record(servedChat({ id: 'int_2', modelRequested: 'made-up-model', stream: true, ttftMs: 250 }));
    await exporter.flush();

    const usage = await receiver.waitFor(() =>
      receiver.metrics.find((metric) => metric.name === 'gen_ai.client.token.usage'),
    );
    expect(usage.unit).toBe('{token}');
    const point = (type: string, model: string) =>
      usage.points.find(
        (candidate) =>
          candidate.attributes['gen_ai.token.type'] === type &&
          candidate.attributes['gen_ai.request.model'] === model,
      );
    expect(point('input', 'smart')).toMatchObject({ count: 1, sum: 30 });
    expect(point('output', 'smart')).toMatchObject({ count: 1, sum: 5 });
    // A model no route names is reported under one placeholder, so clients cannot multiply the series.
    expect(point('input', '(unknown)')).toMatchObject({ count: 1, sum: 30 });
    expect(point('input', 'smart')?.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    });

    const duration = receiver.metrics.find((metric) => metric.name === 'gen_ai.client.operation.duration');
    expect(duration?.unit).toBe('s');
    expect(duration?.points.reduce((sum, candidate) => sum + candidate.count, 0)).toBe(2);
    expect(duration?.points.reduce((sum, candidate) => sum + candidate.sum, 0)).toBeCloseTo(1.6);

    const ttft = receiver.metrics.find(
      (metric) => metric.name === 'gen_ai.client.operation.time_to_first_chunk',
    );
    expect(ttft?.points).toEqual([expect.objectContaining({ count: 1, sum: 0.25 })]);
  });

  it('exports message content only when asked, and then redacted like the log', async () => {
    const exporter = openExporter({ captureContent: true });
    exporter.record(servedChat());
    await exporter.flush();

    const interaction = await receiver.waitFor(spanNamed('chat smart'));
    const input = JSON.parse(String(interaction.attributes['gen_ai.input.messages'])) as unknown;
    expect(input).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Write to [EMAIL] about the launch.' }] },
    ]);
    expect(JSON.parse(String(interaction.attributes['gen_ai.output.messages']))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Done.' }], finish_reason: 'stop' },
    ]);
    const failedAttempt = receiver.spans.find((span) => span.attributes['slipway.attempt.index'] === 0);
    expect(failedAttempt?.status.message).toBe('upstream_unavailable: upstream said: [EMAIL] is not allowed');
    expect(JSON.stringify(receiver.spans)).not.toContain('alice@example.com');
  });

  it('starts the trace at the gateway span when the caller sent none, and skips unsampled traces', async () => {
    const exporter = openExporter();
    const rootTrace = 'f'.repeat(32);
    exporter.record(
      servedChat({
        id: 'int_root',
        modelRequested: 'root-model',
        trace: { traceId: rootTrace, spanId: GATEWAY_SPAN, parentSpanId: null, sampled: true },
      }),
    );
    exporter.record(
      servedChat({
        id: 'int_unsampled',
        modelRequested: 'unsampled-model',
        trace: { traceId: 'e'.repeat(32), spanId: 'a'.repeat(16), parentSpanId: CALLER_SPAN, sampled: false },
      }),
    );
    await exporter.flush();

    const root = await receiver.waitFor(spanNamed('chat root-model'));
    expect(root).toMatchObject({ traceId: rootTrace, spanId: GATEWAY_SPAN, parentSpanId: null });
    expect(receiver.spans.filter((span) => span.traceId === rootTrace)).toHaveLength(3);
    expect(receiver.spans.some((span) => span.name === 'chat unsampled-model')).toBe(false);
    expect(receiver.spans.some((span) => span.traceId === 'e'.repeat(32))).toBe(false);
  });

  it('marks a failed interaction as an error with its code', async () => {
    const exporter = openExporter();
    exporter.record(
      servedChat({
        target: null,
        status: 'error',
        errorCode: 'timeout',
        errorMessage: 'no answer in 30 s',
        response: null,
        attempts: [anAttempt({ status: 'error', errorCode: 'timeout', upstreamStatus: null })],
      }),
    );
    await exporter.flush();
    const interaction = await receiver.waitFor(spanNamed('chat smart'));
    expect(interaction.status).toEqual({ code: STATUS_ERROR, message: 'timeout' });
    expect(interaction.attributes['error.type']).toBe('timeout');
  });

  it('never throws or waits when the collector fails; it counts and logs the failures', async () => {
    receiver.failWith(400);
    const exporter = openExporter();
    // record only queues: nothing is converted or sent before the request path has moved on.
    for (let index = 0; index < 100; index += 1) {
      expect(exporter.record(servedChat({ id: `int_${index}` }))).toBeUndefined();
    }
    expect(exporter.stats().pending).toBe(100);
    expect(receiver.requests).toHaveLength(0);
    await exporter.flush();

    expect(exporter.stats().failures.traces).toBeGreaterThanOrEqual(1);
    expect(exporter.stats().failures.metrics).toBeGreaterThanOrEqual(1);
    expect(errors.map((entry) => entry.message)).toEqual(
      expect.arrayContaining(['OpenTelemetry trace export failed', 'OpenTelemetry metric export failed']),
    );
    expect(receiver.spans).toHaveLength(0);
  });

  it('closes within the export timeout when the collector accepts connections but never answers', async () => {
    const sockets: Socket[] = [];
    const blackHole = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const { port } = blackHole.address() as AddressInfo;
    try {
      const exporter = openExporter({ endpoint: `http://127.0.0.1:${port}`, timeoutMs: 300 });
      exporter.record(servedChat());
      const started = performance.now();
      await exporter.close();
      // Bounded by the export timeout (plus the close margin), not by the collector.
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(exporter.stats().failures.traces + exporter.stats().failures.metrics).toBeGreaterThanOrEqual(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => blackHole.close(() => resolve()));
    }
  });

  it('drops records handed over after close, counting them', async () => {
    const exporter = openExporter();
    await exporter.close();
    exporter.record(servedChat());
    expect(exporter.stats()).toMatchObject({ pending: 0, dropped: 1 });
  });
});
