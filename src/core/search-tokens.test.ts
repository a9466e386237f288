import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SEARCH_TOKEN_LENGTH, searchTokens } from './search-tokens.js';

describe('searchTokens', () => {
  it('folds case, diacritics and compatibility forms, and splits on anything but letters and digits', () => {
    expect(searchTokens('Crème BRÛLÉE, s’il-vous-plaît! x² ﬁle [EMAIL] jane.doe@example.com')).toEqual([
      'creme',
      'brulee',
      's',
      'il',
      'vous',
      'plait',
      'x2',
      'file',
      'email',
      'jane',
      'doe',
      'example',
      'com',
    ]);
    expect(searchTokens('Straße 東京 2024')).toEqual(['straße', '東京', '2024']);
  });

  it('drops tokens too long to be words', () => {
    expect(
      searchTokens(`ok ${'a'.repeat(MAX_SEARCH_TOKEN_LENGTH + 1)} ${'b'.repeat(MAX_SEARCH_TOKEN_LENGTH)}`),
    ).toEqual(['ok', 'b'.repeat(MAX_SEARCH_TOKEN_LENGTH)]);
  });

  it('gives only non-empty runs of letters and digits that tokenize to themselves', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        for (const token of searchTokens(text)) {
          expect(token).toMatch(/^[\p{L}\p{N}]+$/u);
          expect(searchTokens(token)).toEqual([token]);
        }
      }),
    );
  });

  it('cuts ASCII text exactly as the full Unicode folding does', () => {
    const unicodeFolding = (text: string) =>
      (
        text
          .normalize('NFKD')
          .replace(/\p{M}/gu, '')
          .toLowerCase()
          .match(/[\p{L}\p{N}]+/gu) ?? []
      ).filter((token) => token.length <= MAX_SEARCH_TOKEN_LENGTH);
    fc.assert(
      fc.property(fc.string({ unit: 'binary-ascii', maxLength: 300 }), (text) => {
        expect(searchTokens(text)).toEqual(unicodeFolding(text));
      }),
      { numRuns: 2_000 },
    );
  });
});
