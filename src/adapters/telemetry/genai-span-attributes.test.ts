import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anAttempt, anInteraction, T0 } from '../../../test/contract/store-fixtures.js';
import {
  attemptSpanAttributes,
  attemptSpanName,
  genAiMetricAttributes,
  interactionSpanAttributes,
  interactionSpanName,
  providerOf,
  requestAttributes,
  responseAttributes,
} from './genai-span-attributes.js';

const openAiAt = (providerId: string) =>
  providerId === 'openai' ? { address: 'api.openai.com', port: 443 } : null;

const chatRecord = anInteraction({
  modelRequested: 'smart',
  target: 'openai/gpt-4o-mini',
  endUser: 'user-7',
  stream: true,
  ttftMs: 120,
  request: {
    model: 'smart',
    messages: [{ role: 'user', content: 'Hello' }],
    max_tokens: 256,
    temperature: 0.2,
    top_p: 0.9,
    stop: 'END',
    n: 1,
  },
  response: {
    id: 'chatcmpl-42',
    object: 'chat.completion',
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
  },
  attempts: [
    anAttempt({
      index: 0,
      providerId: 'openai',
      model: 'gpt-4o-mini',
      status: 'error',
      errorCode: 'upstream_unavailable',
      upstreamStatus: 503,
    }),
    anAttempt({ index: 1, providerId: 'openai', model: 'gpt-4o-mini', startedAt: T0 + 100, ttftMs: 20 }),
  ],
});

describe('interaction span', () => {
  it('is named "{operation} {requested model}"', () => {
    expect(interactionSpanName(chatRecord)).toBe('chat smart');
    expect(interactionSpanName(anInteraction({ endpoint: 'embeddings', modelRequested: 'emb' }))).toBe(
      'embeddings emb',
    );
  });

  it('carries the GenAI attributes of a served chat request and Slipway ones', () => {
    expect(interactionSpanAttributes(chatRecord, openAiAt)).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'smart',
      'gen_ai.request.stream': true,
      'gen_ai.request.max_tokens': 256,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.response.id': 'chatcmpl-42',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.response.time_to_first_chunk': 0.12,
      'gen_ai.usage.input_tokens': 9,
      'gen_ai.usage.output_tokens': 12,
      'server.address': 'api.openai.com',
      'server.port': 443,
      'slipway.interaction.id': 'int_1',
      'slipway.project.id': 'prj_1',
      'slipway.api_key.id': 'key_1',
      'slipway.end_user': 'user-7',
      'slipway.target': 'openai/gpt-4o-mini',
      'slipway.status': 'success',
      'slipway.cost_usd': 0.0000315,
      'slipway.attempts': 2,
      'slipway.ttft_ms': 120,
    });
  });

  it('names the error type of a failed request and the provider tried last', () => {
    const failed = anInteraction({
      target: null,
      status: 'error',
      errorCode: 'upstream_unavailable',
      errorMessage: 'every target failed',
      response: null,
      promptTokens: 0,
      completionTokens: 0,
      attempts: [anAttempt({ providerId: 'local', status: 'error', errorCode: 'timeout' })],
    });
    const attributes = interactionSpanAttributes(failed, openAiAt);
    expect(attributes).toMatchObject({
      'error.type': 'upstream_unavailable',
      'gen_ai.provider.name': 'local',
      'slipway.status': 'error',
    });
    // No target served: the server that did not answer is on the attempt's span, not the interaction's.
    expect(attributes).not.toHaveProperty('server.address');
    expect(attributes).not.toHaveProperty('gen_ai.response.id');
    expect(JSON.stringify(attributes)).not.toContain('every target failed');
  });

  it('reads max_completion_tokens first, and embeddings parameters and dimensions', () => {
    expect(requestAttributes({ max_completion_tokens: 10, max_tokens: 99, n: 3, seed: 7 })).toEqual({
      'gen_ai.request.max_tokens': 10,
      'gen_ai.request.choice.count': 3,
      'gen_ai.request.seed': 7,
    });
    expect(requestAttributes({ input: 'x', encoding_format: 'float' })).toEqual({
      'gen_ai.request.encoding_formats': ['float'],
    });
    expect(responseAttributes({ object: 'list', model: 'emb-3', count: 2, dimensions: 1536 })).toEqual({
      'gen_ai.response.model': 'emb-3',
      'gen_ai.embeddings.dimension.count': 1536,
    });
  });

  it('never throws and only emits attribute-safe values, whatever the client sent', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (request, response) => {
        const attributes = {
          ...requestAttributes(request),
          ...responseAttributes(response),
        };
        for (const value of Object.values(attributes)) {
          const items = Array.isArray(value) ? value : [value];
          for (const item of items) expect(['string', 'number', 'boolean']).toContain(typeof item);
        }
      }),
    );
  });
});

describe('attempt span', () => {
  it('names the upstream model, its server and HTTP status, and its error', () => {
    const [failedAttempt, servedAttempt] = chatRecord.attempts as [
      (typeof chatRecord.attempts)[0],
      (typeof chatRecord.attempts)[0],
    ];
    expect(attemptSpanName(chatRecord, failedAttempt)).toBe('chat gpt-4o-mini');
    expect(attemptSpanAttributes(chatRecord, failedAttempt, openAiAt)).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.stream': true,
      'server.address': 'api.openai.com',
      'server.port': 443,
      'http.response.status_code': 503,
      'error.type': 'upstream_unavailable',
      'slipway.interaction.id': 'int_1',
      'slipway.attempt.index': 0,
    });
    expect(attemptSpanAttributes(chatRecord, servedAttempt, openAiAt)).toMatchObject({
      'gen_ai.response.id': 'chatcmpl-42',
      'gen_ai.usage.output_tokens': 12,
      'gen_ai.response.time_to_first_chunk': 0.02,
      'slipway.attempt.index': 1,
    });
  });
});

describe('metric attributes', () => {
  it('are the bounded GenAI set, with the model the caller maps unknown names to', () => {
    expect(genAiMetricAttributes(chatRecord, '(unknown)')).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': '(unknown)',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    });
  });

  it('takes the provider from the target, whose model may contain slashes', () => {
    expect(providerOf(anInteraction({ target: 'local/meta-llama/Llama-3.1-8B' }))).toBe('local');
    expect(providerOf(anInteraction({ target: null, attempts: [] }))).toBeUndefined();
  });
});
