/**
 * The mean of a document's chunk vectors, each scaled to unit length first so that a long chunk weighs no more than
 * a short one in a cosine comparison; a zero vector adds nothing. Null for a document without chunks. Schema
 * version 4 fills the column of older rows the same way in SQL (`avg(l2_normalize(embedding))`): the two differ
 * only in length, which a cosine distance ignores.
 * @example documentCentroid([Float32Array.of(2, 0), Float32Array.of(0, 3)]) // Float32Array [0.5, 0.5]
 */
export function documentCentroid(vectors: readonly Float32Array[]): Float32Array | null {
  const first = vectors[0];
  if (first === undefined) return null;
  const sum = new Float64Array(first.length);
  for (const vector of vectors) {
    let squares = 0;
    for (const value of vector) squares += value * value;
    if (squares === 0) continue;
    const scale = 1 / Math.sqrt(squares);
    for (let position = 0; position < vector.length; position += 1) {
      sum[position] = (sum[position] as number) + (vector[position] as number) * scale;
    }
  }
  return Float32Array.from(sum, (value) => value / vectors.length);
}
