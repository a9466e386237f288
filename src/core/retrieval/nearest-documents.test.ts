import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nearestDocuments, unitCentroid, type DocumentCentroid } from './nearest-documents.js';

const query = Float32Array.of(1, 0, 0);
const documentAt = (id: string, chunkCount: number, ...centroid: number[]): DocumentCentroid => ({
  id,
  chunkCount,
  centroid: unitCentroid(Float32Array.from(centroid)),
});

const documentArbitrary = fc.record({
  chunkCount: fc.integer({ min: 1, max: 20 }),
  centroid: fc.option(fc.array(fc.float({ min: -1, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }), {
    freq: 8,
  }),
});

describe('unitCentroid', () => {
  it('scales a centroid to unit length, and has none for a zero vector', () => {
    expect([...(unitCentroid(Float32Array.of(3, 4)) as Float32Array)]).toEqual([
      Math.fround(0.6),
      Math.fround(0.8),
    ]);
    expect(unitCentroid(Float32Array.of(0, 0))).toBeNull();
  });
});

describe('nearestDocuments', () => {
  it('takes documents nearest first while the chunks before each are under the budget', () => {
    const documents = [
      documentAt('far', 4, -1, 0, 0),
      documentAt('near', 3, 1, 0.1, 0),
      documentAt('middle', 5, 1, 1, 0),
    ];
    expect(nearestDocuments(query, documents, 3)).toEqual({ ids: ['near'], chunks: 3 });
    expect(nearestDocuments(query, documents, 4)).toEqual({ ids: ['near', 'middle'], chunks: 8 });
    expect(nearestDocuments(query, documents, 100)).toEqual({ ids: ['near', 'middle', 'far'], chunks: 12 });
  });

  it('ranks a zero or missing centroid last, and ties by id', () => {
    const documents = [
      documentAt('zero', 1, 0, 0, 0),
      { id: 'none', chunkCount: 1, centroid: null },
      documentAt('b', 1, 0, 1, 0),
      documentAt('a', 1, 0, 2, 0),
      documentAt('far', 1, -1, 0, 0),
    ];
    expect(nearestDocuments(query, documents, 100).ids).toEqual(['a', 'b', 'far', 'none', 'zero']);
  });

  it('chooses a prefix of the ranking that holds the budget, or every document', () => {
    fc.assert(
      fc.property(
        fc.array(documentArbitrary, { maxLength: 30 }),
        fc.integer({ min: 1, max: 100 }),
        (drawn, budget) => {
          const documents = drawn.map((document, position) => ({
            id: `d${position}`,
            chunkCount: document.chunkCount,
            centroid: document.centroid === null ? null : unitCentroid(Float32Array.from(document.centroid)),
          }));
          const everything = nearestDocuments(query, documents, Number.MAX_SAFE_INTEGER);
          const chosen = nearestDocuments(query, documents, budget);
          expect(chosen.ids).toEqual(everything.ids.slice(0, chosen.ids.length));
          const chunksOf = (ids: string[]): number =>
            ids.reduce(
              (sum, id) => sum + (documents.find((document) => document.id === id)?.chunkCount ?? 0),
              0,
            );
          expect(chosen.chunks).toBe(chunksOf(chosen.ids));
          expect(chunksOf(chosen.ids.slice(0, -1))).toBeLessThan(budget);
          if (chosen.ids.length < documents.length) expect(chosen.chunks).toBeGreaterThanOrEqual(budget);
        },
      ),
    );
  });
});
