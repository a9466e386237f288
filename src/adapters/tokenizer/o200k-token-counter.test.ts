import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../core/chat.js';
import { createTokenCounter } from './o200k-token-counter.js';

const counter = createTokenCounter();

// The example of OpenAI's cookbook "How to count tokens with tiktoken", which the API bills as 124 prompt
// tokens on gpt-4o and gpt-4o-mini.
const COOKBOOK_MESSAGES: ChatMessage[] = [
  {
    role: 'system',
    content:
      'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.',
  },
  { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
  {
    role: 'system',
    name: 'example_assistant',
    content: 'Things working well together will increase revenue.',
  },
  {
    role: 'system',
    name: 'example_user',
    content:
      "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
  },
  {
    role: 'system',
    name: 'example_assistant',
    content: "Let's talk later when we're less busy about how to do better.",
  },
  {
    role: 'user',
    content: "This late pivot means we don't have time to boil the ocean for the client deliverable.",
  },
];

describe('o200k token counter', () => {
  it('counts plain text with the o200k_base encoding', () => {
    expect(counter.countText('hello world')).toBe(2);
    expect(counter.countText('')).toBe(0);
  });

  it('counts special-token lookalikes as plain text instead of throwing', () => {
    expect(counter.countText('a <|endoftext|> b')).toBeGreaterThan(3);
  });

  it('matches the prompt tokens OpenAI bills for the cookbook example', () => {
    expect(counter.countChat(COOKBOOK_MESSAGES)).toBe(124);
  });

  it('adds 3 per message, 3 for the reply priming and 1 per name', () => {
    const text = 'What is the capital of France?';
    const base = counter.countText(text) + counter.countText('user');
    expect(counter.countChat([{ role: 'user', content: text }])).toBe(3 + 3 + base);
    expect(counter.countChat([{ role: 'user', name: 'ada', content: text }])).toBe(
      3 + 3 + base + counter.countText('ada') + 1,
    );
    expect(counter.countChat([])).toBe(3);
  });

  it('counts the text of content parts and ignores non-text parts', () => {
    const parts: ChatMessage = {
      role: 'user',
      content: [
        { type: 'text', text: 'Describe' },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
        { type: 'text', text: ' this picture.' },
      ],
    };
    const expected =
      3 + 3 + counter.countText('user') + counter.countText('Describe') + counter.countText(' this picture.');
    expect(counter.countChat([parts])).toBe(expected);
  });

  it('counts tool call names and arguments of assistant messages', () => {
    const call: ChatMessage = {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      ],
    };
    expect(counter.countChat([call])).toBe(
      3 +
        3 +
        counter.countText('assistant') +
        counter.countText('get_weather') +
        counter.countText('{"city":"Paris"}'),
    );
  });
});
