import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlipwayError } from './errors.js';
import { parseLogSearchQuery } from './log-search-query.js';

describe('parseLogSearchQuery', () => {
  it('reads words, quoted phrases and prefixes', () => {
    expect(parseLogSearchQuery('Refund  "Late Délivery" ship* "open phrase').terms).toEqual([
      { tokens: ['refund'], prefix: false },
      { tokens: ['late', 'delivery'], prefix: false },
      { tokens: ['ship'], prefix: true },
      { tokens: ['open', 'phrase'], prefix: false },
    ]);
    expect(parseLogSearchQuery('"order num"* x').terms).toEqual([
      { tokens: ['order', 'num'], prefix: true },
      { tokens: ['x'], prefix: false },
    ]);
  });

  it('takes a bare chunk of several words as a phrase, punctuation as no syntax', () => {
    expect(parseLogSearchQuery('jane.doe@example.com AND (x OR y) -z').terms).toEqual([
      { tokens: ['jane', 'doe', 'example', 'com'], prefix: false },
      { tokens: ['and'], prefix: false },
      { tokens: ['x'], prefix: false },
      { tokens: ['or'], prefix: false },
      { tokens: ['y'], prefix: false },
      { tokens: ['z'], prefix: false },
    ]);
  });

  it('refuses text without a word, on the q param', () => {
    for (const text of ['', '   ', '"" * ***', '!?', '"']) {
      expect(() => parseLogSearchQuery(text), text).toThrow(
        expect.objectContaining({ code: 'invalid_request', param: 'q' }),
      );
    }
  });

  it('parses any string to terms of tokens, or refuses it as invalid_request', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: fc.constantFrom(...'ab "*.-()') })),
        (text) => {
          try {
            const { terms } = parseLogSearchQuery(text);
            expect(terms.length).toBeGreaterThan(0);
            for (const term of terms) {
              expect(term.tokens.length).toBeGreaterThan(0);
              for (const token of term.tokens) expect(token).toMatch(/^[\p{L}\p{N}]+$/u);
            }
          } catch (error) {
            expect(error).toBeInstanceOf(SlipwayError);
            expect(error).toMatchObject({ code: 'invalid_request', param: 'q' });
          }
        },
      ),
    );
  });
});
