import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from './sse-parser.js';

function parseInPieces(text: string, cuts: number[]): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    events.push(...parser.push(text.slice(start, cut)));
    start = cut;
  }
  events.push(...parser.push(text.slice(start)), ...parser.end());
  return events;
}

describe('SseParser', () => {
  it('parses data events and ignores comments, ids and retry fields', () => {
    const text = ': keep-alive\n\nid: 7\nretry: 1000\ndata: {"a":1}\n\ndata:{"b":2}\n\n';
    expect(parseInPieces(text, [])).toEqual([
      { event: undefined, data: '{"a":1}' },
      { event: undefined, data: '{"b":2}' },
    ]);
  });

  it('joins several data lines with a line feed and keeps the event name', () => {
    expect(parseInPieces('event: error\ndata: first\ndata: second\n\n', [])).toEqual([
      { event: 'error', data: 'first\nsecond' },
    ]);
  });

  it('accepts \\r\\n and \\r line ends, even when a \\r\\n is split across pieces', () => {
    const text = 'data: one\r\n\r\ndata: two\r\rdata: three\n\n';
    const expected = [
      { event: undefined, data: 'one' },
      { event: undefined, data: 'two' },
      { event: undefined, data: 'three' },
    ];
    expect(parseInPieces(text, [])).toEqual(expected);
    expect(parseInPieces(text, [10])).toEqual(expected);
    expect(parseInPieces(text, [9, 10, 11])).toEqual(expected);
  });

  it('dispatches nothing for an event still waiting for its blank line until end()', () => {
    const parser = new SseParser();
    expect(parser.push('data: [DONE]\n')).toEqual([]);
    expect(parser.end()).toEqual([{ event: undefined, data: '[DONE]' }]);
  });

  it('keeps an empty data field as an empty event and a field without colon as empty value', () => {
    expect(parseInPieces('data\n\ndata:\n\n', [])).toEqual([
      { event: undefined, data: '' },
      { event: undefined, data: '' },
    ]);
  });

  it('yields the same events wherever the text is cut', () => {
    const line = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 20 }).map((value) => `data: ${value.replace(/[\r\n]/g, '')}`),
      fc.constantFrom(': comment', 'event: error', 'id: 1', ''),
    );
    const lineEnd = fc.constantFrom('\n', '\r\n', '\r');
    const document = fc
      .array(fc.tuple(line, lineEnd), { maxLength: 12 })
      .map((lines) => lines.map(([text, end]) => text + end).join(''));
    fc.assert(
      fc.property(document, fc.array(fc.nat(), { maxLength: 6 }), (text, positions) => {
        const cuts = positions.map((position) => position % (text.length + 1));
        expect(parseInPieces(text, cuts)).toEqual(parseInPieces(text, []));
      }),
    );
  });
});
