import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkText, type ChunkOptions, type TextChunk } from './chunk-text.js';

// A tokenizer with BPE's awkward traits: words cost one token per 4 characters, and whitespace and punctuation
// runs cost one each, so that joined pieces can count differently from their parts.
const countTokens = (text: string) => (text.match(/[A-Za-z0-9]{1,4}|[^\sA-Za-z0-9]|\s+/gu) ?? []).length;

const options = (chunkTokens: number, overlapTokens: number): ChunkOptions => ({
  chunkTokens,
  overlapTokens,
  countTokens,
});

function expectCovering(text: string, chunks: readonly TextChunk[]): void {
  expect(chunks[0]?.start).toBe(0);
  expect(chunks.at(-1)?.end).toBe(text.length);
  chunks.forEach((chunk, index) => {
    expect(chunk.index).toBe(index);
    expect(chunk.text).toBe(text.slice(chunk.start, chunk.end));
    const previous = chunks[index - 1];
    if (previous === undefined) return;
    expect(chunk.start).toBeGreaterThan(previous.start);
    expect(chunk.end).toBeGreaterThan(previous.end);
    // No gap: the next chunk starts at or before the end of the one before.
    expect(chunk.start).toBeLessThanOrEqual(previous.end);
  });
}

const word = fc.stringMatching(/^[A-Za-z0-9]{1,30}$/);
const separator = fc.constantFrom(' ', ' ', ' ', '. ', '! ', '\n', '\n\n', ', ', '  ', '\t', '?\n\n');
const documentText = fc
  .array(fc.tuple(word, separator), { minLength: 1, maxLength: 300 })
  .map((parts) => parts.map(([text, after]) => text + after).join(''));

describe('chunkText', () => {
  it('covers the whole text in order, within the budget, with overlaps of at most the configured size', () => {
    fc.assert(
      fc.property(
        documentText,
        fc.integer({ min: 16, max: 120 }),
        fc.integer({ min: 0, max: 100 }),
        (text, chunkTokens, overlapPercent) => {
          const overlapTokens = Math.floor((chunkTokens / 2) * (overlapPercent / 100));
          const chunks = chunkText(text, options(chunkTokens, overlapTokens));
          expectCovering(text, chunks);
          for (const chunk of chunks) {
            expect(chunk.tokens).toBe(countTokens(chunk.text));
            expect(chunk.tokens).toBeLessThanOrEqual(chunkTokens);
          }
          for (let index = 1; index < chunks.length; index += 1) {
            const overlap = text.slice(chunks[index]?.start, chunks[index - 1]?.end);
            expect(countTokens(overlap)).toBeLessThanOrEqual(overlapTokens);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('cuts any text, however unbroken, into chunks within the budget', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 2_000 }), (text) => {
        const chunks = chunkText(text, options(16, 4));
        // No `return expect(…)`: fast-check reads a returned Assertion object as a failed property.
        if (text.trim() === '') expect(chunks).toEqual([]);
        else {
          expectCovering(text, chunks);
          for (const chunk of chunks) expect(countTokens(chunk.text)).toBeLessThanOrEqual(16);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('ends chunks at paragraph boundaries when paragraphs fit', () => {
    const paragraph = (name: string) => `${name} ${'word '.repeat(10).trim()}.`;
    const text = [paragraph('First'), paragraph('Second'), paragraph('Third')].join('\n\n');
    const chunks = chunkText(text, options(50, 0));
    expect(chunks.map((chunk) => chunk.text.trim())).toEqual([
      `${paragraph('First')}\n\n${paragraph('Second')}`,
      paragraph('Third'),
    ]);
  });

  it('repeats the last sentences of a chunk at the start of the next', () => {
    const sentences = Array.from({ length: 12 }, (_, index) => `Sentence number ${index} is here.`);
    const chunks = chunkText(sentences.join(' '), options(40, 16));
    expect(chunks.length).toBeGreaterThan(2);
    const [first, second] = chunks;
    expect(second?.start).toBeLessThan(first?.end ?? 0);
    expect(second?.text.startsWith('Sentence number')).toBe(true);
  });

  it('has no chunks for blank text', () => {
    expect(chunkText(' \n\n\t ', options(16, 0))).toEqual([]);
  });

  it('refuses a budget too small or an overlap over half of it', () => {
    expect(() => chunkText('text', options(8, 0))).toThrow(/chunkTokens/);
    expect(() => chunkText('text', options(100, 51))).toThrow(/overlapTokens/);
    expect(() => chunkText('text', options(100, -1))).toThrow(/overlapTokens/);
  });
});
