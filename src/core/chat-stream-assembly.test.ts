import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChunkChoice, ChunkDelta } from './chat.js';
import { ChatStreamAssembly } from './chat-stream-assembly.js';

function chunk(choices: ChunkChoice[], extra: Partial<ChatCompletionChunk> = {}): ChatCompletionChunk {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1700000000,
    model: 'gpt-x',
    choices,
    ...extra,
  };
}

describe('ChatStreamAssembly', () => {
  it('concatenates content per choice and keeps the finish reason and usage', () => {
    const assembly = new ChatStreamAssembly();
    assembly.add(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
    assembly.add(chunk([{ index: 0, delta: { content: 'Hel' }, finish_reason: null }]));
    assembly.add(chunk([{ index: 1, delta: { content: 'Other' }, finish_reason: 'stop' }]));
    assembly.add(chunk([{ index: 0, delta: { content: 'lo' }, finish_reason: 'stop' }]));
    const usage = { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 };
    assembly.add(chunk([], { usage }));
    expect(assembly.usage).toEqual(usage);
    expect(assembly.generatedText()).toBe('HelloOther');
    expect(assembly.toCompletion()).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1700000000,
      model: 'gpt-x',
      system_fingerprint: null,
      usage,
      choices: [
        { index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' },
        { index: 1, message: { role: 'assistant', content: 'Other' }, finish_reason: 'stop' },
      ],
    });
  });

  it('merges tool-call deltas by index', () => {
    const assembly = new ChatStreamAssembly();
    assembly.add(
      chunk([
        {
          index: 0,
          delta: {
            role: 'assistant',
            tool_calls: [
              { index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } },
            ],
          },
          finish_reason: null,
        },
      ]),
    );
    // Upstreams send later tool-call deltas with the arguments only.
    const argumentsDelta = (piece: string): ChunkDelta => ({
      tool_calls: [{ index: 0, function: { arguments: piece } }],
    });
    assembly.add(chunk([{ index: 0, delta: argumentsDelta('{"city":'), finish_reason: null }]));
    assembly.add(chunk([{ index: 0, delta: argumentsDelta('"Oslo"}'), finish_reason: null }]));
    assembly.add(chunk([{ index: 0, delta: {}, finish_reason: 'tool_calls' }]));
    const completion = assembly.toCompletion();
    expect(completion.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        ],
      },
      finish_reason: 'tool_calls',
    });
    expect(completion.usage).toBeUndefined();
    expect(assembly.generatedText()).toBe('get_weather{"city":"Oslo"}');
  });

  it('keeps the partial text of a cut stream', () => {
    const assembly = new ChatStreamAssembly();
    assembly.add(chunk([{ index: 0, delta: { content: 'Partial' }, finish_reason: null }]));
    expect(assembly.toCompletion().choices[0]?.message.content).toBe('Partial');
    expect(assembly.toCompletion().choices[0]?.finish_reason).toBeNull();
  });
});
