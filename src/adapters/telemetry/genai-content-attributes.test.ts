import { describe, expect, it } from 'vitest';
import { anInteraction } from '../../../test/contract/store-fixtures.js';
import { genAiContentAttributes, inputMessagesOf, outputMessagesOf } from './genai-content-attributes.js';

describe('GenAI message content', () => {
  it('maps OpenAI chat messages to the conventions’ parts', () => {
    expect(
      inputMessagesOf({
        messages: [
          { role: 'system', content: 'Be brief.' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is this?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
            ],
          },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'look', arguments: '{"x":1}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'a ship' },
        ],
      }),
    ).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'What is this?' }, { type: 'image_url' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'look', arguments: '{"x":1}' }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: 'a ship' }] },
    ]);
  });

  it('maps choices to output messages with their finish reason', () => {
    expect(
      outputMessagesOf({
        choices: [
          { index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' },
          { index: 1, message: { role: 'assistant', content: 'Hel' }, finish_reason: null },
        ],
      }),
    ).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Hi' }], finish_reason: 'stop' },
      { role: 'assistant', parts: [{ type: 'text', content: 'Hel' }], finish_reason: 'incomplete' },
    ]);
  });

  it('gives JSON attributes for chat and none for embeddings', () => {
    const chat = genAiContentAttributes(
      anInteraction({
        request: { messages: [{ role: 'user', content: 'Hello' }] },
        response: {
          choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
        },
      }),
    );
    expect(JSON.parse(String(chat['gen_ai.input.messages']))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'Hello' }] },
    ]);
    expect(JSON.parse(String(chat['gen_ai.output.messages']))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Hi' }], finish_reason: 'stop' },
    ]);
    expect(
      genAiContentAttributes(
        anInteraction({ endpoint: 'embeddings', request: { input: 'secret text' }, response: { count: 1 } }),
      ),
    ).toEqual({});
  });
});
