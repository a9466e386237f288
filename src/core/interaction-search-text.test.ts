import { describe, expect, it } from 'vitest';
import { MAX_SEARCH_TEXT_LENGTH, interactionSearchText } from './interaction-search-text.js';

describe('interactionSearchText', () => {
  it('takes message contents, content parts, tool calls and the response message', () => {
    const text = interactionSearchText({
      request: {
        model: 'chat-default',
        temperature: 0.2,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'text', text: 'Où est ma commande?' }, { type: 'image_url' }] },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'c1', type: 'function', function: { name: 'find_order', arguments: '{"n":42}' } },
            ],
          },
        ],
      },
      response: {
        id: 'chatcmpl-1',
        choices: [{ index: 0, message: { role: 'assistant', content: 'It ships [DATE].' } }],
      },
    });
    expect(text).toBe('be brief ou est ma commande find order n 42 it ships date');
  });

  it('takes embeddings input, strings only', () => {
    expect(interactionSearchText({ request: { input: ['Alpha beta', [1, 2]] }, response: null })).toBe(
      'alpha beta',
    );
    expect(interactionSearchText({ request: { input: 'Gamma' }, response: { data: [] } })).toBe('gamma');
  });

  it('is empty for bodies of unexpected shapes', () => {
    for (const body of [null, 'text', 42, [], { messages: 'no' }, { messages: [null, 3, { content: 7 }] }]) {
      expect(interactionSearchText({ request: body, response: body })).toBe('');
    }
  });

  it('keeps to the length bound at a word boundary, leaving room for the response', () => {
    const huge = 'lorem ipsum '.repeat(20_000);
    const text = interactionSearchText({
      request: { messages: [{ role: 'user', content: huge }] },
      response: { choices: [{ message: { content: 'the answer' } }] },
    });
    expect(text.length).toBeLessThanOrEqual(MAX_SEARCH_TEXT_LENGTH);
    expect(text.startsWith('lorem ipsum')).toBe(true);
    expect(text.endsWith(' the answer')).toBe(true);
    expect(
      text
        .split(' ')
        .every((word) => word === 'lorem' || word === 'ipsum' || ['the', 'answer'].includes(word)),
    ).toBe(true);
  });
});
