import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cosineSimilarity } from './cosine-similarity.js';

describe('cosineSimilarity', () => {
  it('is 1 for the same direction, 0 for orthogonal, -1 for opposite', () => {
    expect(cosineSimilarity([1, 2, 3], [2, 4, 6])).toBeCloseTo(1);
    expect(cosineSimilarity([1, 0], [0, 5])).toBe(0);
    expect(cosineSimilarity([1, 1], [-1, -1])).toBeCloseTo(-1);
    expect(cosineSimilarity([1, 0], [1, 1])).toBeCloseTo(Math.SQRT1_2);
  });

  it('is NaN for vectors it cannot compare, so that no threshold passes', () => {
    expect(cosineSimilarity([1, 2], [1, 2, 3])).toBeNaN();
    expect(cosineSimilarity([], [])).toBeNaN();
    expect(cosineSimilarity([0, 0], [1, 1])).toBeNaN();
  });

  it('stays within [-1, 1] and is symmetric', () => {
    const vector = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(vector, vector, (left, right) => {
        const similarity = cosineSimilarity(left, right);
        if (Number.isNaN(similarity)) return;
        expect(Math.abs(similarity)).toBeLessThanOrEqual(1 + 1e-9);
        expect(cosineSimilarity(right, left)).toBeCloseTo(similarity);
      }),
    );
  });
});
