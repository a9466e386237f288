import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitIntoInsertChunks } from './insert-chunks.js';

describe('splitIntoInsertChunks', () => {
  it('keeps every row in order, in full chunks then powers of two', () => {
    const rows = Array.from({ length: 1_000 }, (_, index) => index);
    const chunks = splitIntoInsertChunks(rows, { columns: 26, maxParameters: 65_535 });
    expect(chunks.map((chunk) => chunk.length)).toEqual([256, 256, 256, 128, 64, 32, 8]);
    expect(chunks.flat()).toEqual(rows);
  });

  it('stays within the parameter limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3_000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 40, max: 70_000 }),
        (count, columns, maxParameters) => {
          const rows = Array.from({ length: count }, (_, index) => index);
          const chunks = splitIntoInsertChunks(rows, { columns, maxParameters });
          expect(chunks.flat()).toEqual(rows);
          for (const chunk of chunks) expect(chunk.length * columns).toBeLessThanOrEqual(maxParameters);
        },
      ),
    );
  });

  it('returns no chunk for no rows', () => {
    expect(splitIntoInsertChunks([], { columns: 3, maxParameters: 100 })).toEqual([]);
  });
});
