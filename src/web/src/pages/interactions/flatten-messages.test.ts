import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayValue, flattenMessage, flattenRequest, flattenResponse } from './flatten-messages.js';

describe('flattenRequest', () => {
  it('renders chat messages by role and puts every other field in the parameters', () => {
    const flattened = flattenRequest({
      model: 'gpt-4o',
      temperature: 0.2,
      max_tokens: 100,
      stop: ['\n'],
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          name: 'ann',
          content: [
            { type: 'text', text: 'Mail [EMAIL]' },
            { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"id":1}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"found":true}' },
      ],
    });
    expect(flattened.messages).toEqual([
      { role: 'system', name: null, toolCallId: null, parts: [{ kind: 'text', text: 'Be brief.' }] },
      {
        role: 'user',
        name: 'ann',
        toolCallId: null,
        parts: [
          { kind: 'text', text: 'Mail [EMAIL]' },
          { kind: 'image', url: 'https://x/y.png', detail: 'low' },
        ],
      },
      {
        role: 'assistant',
        name: null,
        toolCallId: null,
        parts: [{ kind: 'tool_call', id: 'call_1', name: 'lookup', arguments: '{"id":1}' }],
      },
      { role: 'tool', name: null, toolCallId: 'call_1', parts: [{ kind: 'text', text: '{"found":true}' }] },
    ]);
    expect(flattened.parameters).toEqual([
      { name: 'max_tokens', value: '100' },
      { name: 'model', value: 'gpt-4o' },
      { name: 'stop', value: '["\\n"]' },
      { name: 'temperature', value: '0.2' },
    ]);
  });

  it('renders embeddings inputs as input messages', () => {
    expect(
      flattenRequest({ model: 'e', input: ['a', 'b'] }).messages.map((message) => message.parts),
    ).toEqual([[{ kind: 'text', text: 'a' }], [{ kind: 'text', text: 'b' }]]);
    expect(flattenRequest({ model: 'e', input: [1, 2, 3] }).messages).toEqual([
      {
        role: 'input',
        name: null,
        toolCallId: null,
        parts: [{ kind: 'json', label: 'tokens', value: [1, 2, 3] }],
      },
    ]);
  });

  it('keeps a body of an unexpected shape visible', () => {
    expect(flattenRequest({ redaction_failed: true })).toEqual({
      messages: [],
      parameters: [{ name: 'redaction_failed', value: 'true' }],
    });
    expect(flattenRequest('text body')).toEqual({
      messages: [],
      parameters: [{ name: 'body', value: 'text body' }],
    });
    expect(flattenRequest(null)).toEqual({ messages: [], parameters: [] });
  });
});

describe('flattenMessage', () => {
  it('keeps unknown content parts and message fields as JSON parts', () => {
    expect(
      flattenMessage({
        role: 'user',
        content: [{ type: 'input_audio', input_audio: { data: 'x' } }, 42],
        refusal: 'no',
      }).parts,
    ).toEqual([
      { kind: 'json', label: 'input_audio', value: { type: 'input_audio', input_audio: { data: 'x' } } },
      { kind: 'json', label: 'part 2', value: 42 },
      { kind: 'json', label: 'refusal', value: 'no' },
    ]);
  });

  it('reads the deprecated function_call and malformed tool calls', () => {
    expect(
      flattenMessage({
        role: 'assistant',
        function_call: { name: 'f', arguments: '{}' },
        tool_calls: ['bad'],
      }).parts,
    ).toEqual([
      { kind: 'json', label: 'tool call', value: 'bad' },
      { kind: 'tool_call', id: null, name: 'f', arguments: '{}' },
    ]);
  });

  it('never throws and always has a role and parts, whatever it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const message = flattenMessage(value);
        expect(typeof message.role).toBe('string');
        expect(Array.isArray(message.parts)).toBe(true);
      }),
    );
  });
});

describe('flattenResponse', () => {
  it('gives each choice its message and finish reason, and the other fields', () => {
    expect(
      flattenResponse({
        id: 'chatcmpl-1',
        model: 'gpt-4o',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
        usage: { total_tokens: 3 },
      }),
    ).toEqual({
      choices: [
        {
          index: 0,
          message: { role: 'assistant', name: null, toolCallId: null, parts: [{ kind: 'text', text: 'Hi' }] },
          finishReason: 'stop',
        },
      ],
      fields: [
        { name: 'id', value: 'chatcmpl-1' },
        { name: 'model', value: 'gpt-4o' },
        { name: 'usage', value: '{"total_tokens":3}' },
      ],
    });
  });

  it('has a null finish reason for an incomplete stream', () => {
    expect(
      flattenResponse({
        choices: [{ message: { role: 'assistant', content: 'Hello wor' }, finish_reason: null }],
      })?.choices[0],
    ).toMatchObject({
      index: 0,
      finishReason: null,
      message: { parts: [{ kind: 'text', text: 'Hello wor' }] },
    });
  });

  it('shows a non-chat body as fields and no response as null', () => {
    expect(flattenResponse({ object: 'list', count: 2 })).toEqual({
      choices: [],
      fields: [
        { name: 'count', value: '2' },
        { name: 'object', value: 'list' },
      ],
    });
    expect(flattenResponse(null)).toBeNull();
  });

  it('never throws on any JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        flattenRequest(value);
        flattenResponse(value);
      }),
    );
  });
});

describe('displayValue', () => {
  it('shows strings as they are and the rest as JSON', () => {
    expect(displayValue('a "b"')).toBe('a "b"');
    expect(displayValue({ a: 1 })).toBe('{"a":1}');
    expect(displayValue(undefined)).toBe('');
  });
});
