import OpenAI from 'openai';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../e2e/start-test-gateway.js';

/** A conversation whose answer is in its context, with an e-mail address that the log must not keep. */
export const REFUND_CONTEXT = [
  {
    role: 'system' as const,
    content: 'Refunds are accepted within 30 days of purchase. Shipping takes five days.',
  },
  { role: 'user' as const, content: 'How many days do I have for a refund? Write to jane.doe@example.com' },
];

/**
 * The OpenAI SDK against the built-in offline models of a running gateway: chat, stream, JSON mode,
 * embeddings, models, the error classes, and the interaction logged redacted. One suite for every store, so
 * that "same behaviour in both modes" is checked rather than assumed; the caller starts and closes the gateway.
 * @example let gateway: TestGateway; beforeAll(async () => { gateway = await start(); });
 * describeOpenAiGateway('postgres', () => gateway);
 */
export function describeOpenAiGateway(name: string, gatewayOf: () => TestGateway): void {
  describe(`${name}: OpenAI SDK against the offline models`, () => {
    let gateway: TestGateway;
    let client: OpenAI;

    beforeAll(() => {
      gateway = gatewayOf();
      client = new OpenAI({ baseURL: `${gateway.baseUrl}/v1`, apiKey: gateway.appKey, maxRetries: 0 });
    });

    it('answers a chat completion extractively and logs it, redacted', async () => {
      const { data: completion, response } = await client.chat.completions
        .create({ model: 'offline-extractive', messages: REFUND_CONTEXT, user: 'user-42' })
        .withResponse();
      expect(completion.object).toBe('chat.completion');
      expect(completion.choices[0]?.message.content).toContain('30 days');
      expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
      expect(response.headers.get('x-slipway-target')).toBe('offline/offline-extractive');
      expect(response.headers.get('x-slipway-attempts')).toBe('1');

      const id = response.headers.get('x-slipway-interaction-id') ?? '';
      await gateway.flushLog();
      const logged = await gateway.app.store.getInteraction(id);
      expect(logged).toMatchObject({
        status: 'success',
        modelRequested: 'offline-extractive',
        endUser: 'user-42',
      });
      expect(JSON.stringify(logged?.request)).toContain('[EMAIL]');
      expect(JSON.stringify(logged)).not.toContain('jane.doe@example.com');
      expect(logged?.attempts).toHaveLength(1);
    });

    it('continues the caller trace: the logged interaction is a child span of the traceparent sent', async () => {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const { response } = await client.embeddings
        .create(
          { model: 'offline-hashed-ngrams', input: 'trace me' },
          { headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } },
        )
        .withResponse();
      await gateway.flushLog();
      const logged = await gateway.app.store.getInteraction(
        response.headers.get('x-slipway-interaction-id') ?? '',
      );
      expect(logged?.trace).toMatchObject({ traceId, parentSpanId: '00f067aa0ba902b7', sampled: true });
      expect(logged?.trace?.spanId).toMatch(/^[0-9a-f]{16}$/);
    });

    it('streams the same answer, with usage when asked', async () => {
      const stream = await client.chat.completions.create({
        model: 'offline-extractive',
        messages: REFUND_CONTEXT,
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        usage = chunk.usage ?? usage;
      }
      const plain = await client.chat.completions.create({
        model: 'offline-extractive',
        messages: REFUND_CONTEXT,
      });
      expect(text).toBe(plain.choices[0]?.message.content);
      expect(usage?.completion_tokens).toBeGreaterThan(0);
    });

    it('emits valid JSON in JSON mode', async () => {
      const completion = await client.chat.completions.create({
        model: 'offline-extractive',
        messages: REFUND_CONTEXT,
        response_format: { type: 'json_object' },
      });
      expect(() => JSON.parse(completion.choices[0]?.message.content ?? '')).not.toThrow();
    });

    it('creates embeddings as floats and as base64', async () => {
      const floats = await client.embeddings.create({
        model: 'offline-hashed-ngrams',
        input: ['refund policy', 'refund policies'],
        encoding_format: 'float',
      });
      expect(floats.data).toHaveLength(2);
      expect(floats.data[0]?.embedding).toHaveLength(384);
      // The SDK decodes base64 itself when it asked for it by default.
      const decoded = await client.embeddings.create({
        model: 'offline-hashed-ngrams',
        input: 'refund policy',
      });
      expect(decoded.data[0]?.embedding[0]).toBeCloseTo(floats.data[0]?.embedding[0] ?? NaN, 5);
    });

    it('lists and retrieves models, saying they are offline', async () => {
      const models = await client.models.list();
      const ids = models.data.map((model) => model.id);
      expect(ids).toEqual(expect.arrayContaining(['offline-extractive', 'offline-hashed-ngrams']));
      const model = await client.models.retrieve('offline-extractive');
      expect(JSON.stringify(model)).toMatch(/offline/i);
      await expect(client.models.retrieve('no-such-model')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    });

    it('maps errors to the SDK error classes', async () => {
      const anonymous = new OpenAI({
        baseURL: `${gateway.baseUrl}/v1`,
        apiKey: 'sk-slw-wrong',
        maxRetries: 0,
      });
      await expect(anonymous.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
      await expect(
        client.chat.completions.create({ model: 'no-such-model', messages: REFUND_CONTEXT }),
      ).rejects.toMatchObject({ status: 404, code: 'not_found', param: 'model' });
      await expect(
        client.chat.completions.create({ model: 'offline-extractive', messages: [] }),
      ).rejects.toMatchObject({ status: 400, code: 'invalid_request', param: 'messages' });
      const viewer = new OpenAI({
        baseURL: `${gateway.baseUrl}/v1`,
        apiKey: await gateway.createKey({ role: 'viewer' }),
        maxRetries: 0,
      });
      await expect(
        viewer.chat.completions.create({ model: 'offline-extractive', messages: REFUND_CONTEXT }),
      ).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
    });
  });
}
