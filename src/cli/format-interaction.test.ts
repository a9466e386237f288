import { describe, expect, it } from 'vitest';
import type { InteractionRecord } from '../core/interaction.js';
import { formatInteraction } from './format-interaction.js';

const STARTED = Date.UTC(2025, 0, 31, 12, 0, 0);

function record(overrides: Partial<InteractionRecord> = {}): InteractionRecord {
  return {
    id: 'int_1',
    endpoint: 'chat.completions',
    projectId: 'p1',
    apiKeyId: 'k1',
    endUser: 'user-7',
    modelRequested: 'gpt-4o',
    target: 'azure/gpt-4o',
    variant: null,
    promptName: null,
    promptVersion: null,
    retrievedDocuments: [],
    batchId: null,
    stream: false,
    status: 'success',
    errorCode: null,
    errorMessage: null,
    request: {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url' }] },
      ],
    },
    response: {
      choices: [{ index: 0, message: { role: 'assistant', content: 'A cat.' }, finish_reason: 'stop' }],
    },
    promptTokens: 20,
    completionTokens: 3,
    totalTokens: 23,
    costUsd: 0.000123,
    latencyMs: 1_250,
    ttftMs: null,
    startedAt: STARTED,
    trace: null,
    attempts: [
      {
        index: 0,
        providerId: 'openai',
        model: 'gpt-4o',
        startedAt: STARTED,
        latencyMs: 400,
        ttftMs: null,
        status: 'error',
        errorCode: 'upstream_unavailable',
        errorMessage: 'HTTP 503',
        upstreamStatus: 503,
      },
      {
        index: 1,
        providerId: 'azure',
        model: 'gpt-4o',
        startedAt: STARTED + 450,
        latencyMs: 800,
        ttftMs: null,
        status: 'success',
        errorCode: null,
        errorMessage: null,
        upstreamStatus: 200,
      },
    ],
    ...overrides,
  };
}

describe('formatInteraction', () => {
  it('shows header fields, the attempts timeline, the request messages and the response text', () => {
    const text = formatInteraction(record());
    expect(text).toContain('Interaction  int_1');
    expect(text).toContain('Time         2025-01-31 12:00:00');
    expect(text).toContain('Model        gpt-4o → azure/gpt-4o');
    expect(text).toContain('End user     user-7');
    expect(text).toContain('Tokens       23 (prompt 20, completion 3)');
    expect(text).toContain('Cost         $0.000123');
    expect(text).toContain('Latency      1.25 s');
    expect(text).toMatch(
      /#0\s+\+0 ms\s+openai\/gpt-4o\s+error\s+400 ms\s+HTTP 503\s+upstream_unavailable: HTTP 503/,
    );
    expect(text).toMatch(/#1\s+\+450 ms\s+azure\/gpt-4o\s+success\s+800 ms\s+HTTP 200/);
    expect(text).toContain('  [system]\n    Be brief.');
    expect(text).toContain('  [user]\n    What is this?\n    [image_url]');
    expect(text).toContain('Response\n  A cat.');
    expect(text).not.toContain('Variant');
  });

  it('shows the assembled message of a stream, tool calls included', () => {
    const text = formatInteraction(
      record({
        stream: true,
        ttftMs: 120,
        response: {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } },
          ],
        },
      }),
    );
    expect(text).toContain('Stream       yes');
    expect(text).toContain('first token after 120 ms');
    expect(text).toContain('Response\n  [tool call] lookup({"q":"cat"})');
  });

  it('shows a failed interaction with its error and no response', () => {
    const text = formatInteraction(
      record({
        status: 'error',
        target: null,
        errorCode: 'upstream_unavailable',
        errorMessage: 'every target failed',
        response: null,
        attempts: [],
      }),
    );
    expect(text).toContain('Error        upstream_unavailable: every target failed');
    expect(text).toContain('gpt-4o → (no target served)');
    expect(text).toContain('Attempts\n  (none)');
    expect(text).toContain('Response\n  (none)');
  });

  it('shows embedding input and a count of embeddings', () => {
    const text = formatInteraction(
      record({
        endpoint: 'embeddings',
        request: { model: 'embed', input: ['first', 'second'] },
        response: { object: 'list', data: [{ embedding: [0.1] }, { embedding: [0.2] }] },
      }),
    );
    expect(text).toContain('Request input\n  first\n  second');
    expect(text).toContain('Response\n  2 embedding(s)');
  });

  it('shows a body of an unknown shape as JSON rather than dropping it', () => {
    const text = formatInteraction(record({ request: { prompt: 'legacy' }, response: { weird: true } }));
    expect(text).toContain('"prompt": "legacy"');
    expect(text).toContain('"weird": true');
  });
});
