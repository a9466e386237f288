import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentCentroid } from './document-centroid.js';

const cosine = (left: Float32Array, right: Float32Array): number => {
  let dot = 0;
  let leftSquares = 0;
  let rightSquares = 0;
  for (let position = 0; position < left.length; position += 1) {
    dot += (left[position] as number) * (right[position] as number);
    leftSquares += (left[position] as number) ** 2;
    rightSquares += (right[position] as number) ** 2;
  }
  return dot / Math.sqrt(leftSquares * rightSquares);
};

describe('documentCentroid', () => {
  it('is null for a document without chunks', () => {
    expect(documentCentroid([])).toBeNull();
  });

  it('weighs every chunk alike, whatever its length, and skips zero vectors', () => {
    expect([...(documentCentroid([Float32Array.of(2, 0), Float32Array.of(0, 30)]) as Float32Array)]).toEqual([
      0.5, 0.5,
    ]);
    expect([...(documentCentroid([Float32Array.of(0, 0), Float32Array.of(0, 4)]) as Float32Array)]).toEqual([
      0, 0.5,
    ]);
  });

  it('points the way of a single chunk', () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: 2, maxLength: 8 }),
        (values) => {
          const vector = Float32Array.from(values);
          fc.pre(vector.some((value) => Math.abs(value) > 1e-3));
          expect(cosine(documentCentroid([vector]) as Float32Array, vector)).toBeCloseTo(1, 5);
        },
      ),
    );
  });
});
