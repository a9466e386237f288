/**
 * Unit-length copies of a collection's vectors in one growing Float32Array, addressed by label (a slot number),
 * so that an exact scan reads contiguous memory and a score is a dot product (cosine similarity).
 */
export class VectorSlab {
  #data: Float32Array;
  #size = 0;

  constructor(readonly dimension: number) {
    this.#data = new Float32Array(dimension * 64);
  }

  /** Slots handed out so far, deleted ones included. */
  get size(): number {
    return this.#size;
  }

  /** Stores the vector scaled to unit length (a zero vector stays zero) and returns its label. */
  append(vector: Float32Array): number {
    const label = this.#size;
    const needed = (label + 1) * this.dimension;
    if (needed > this.#data.length) {
      const grown = new Float32Array(Math.max(needed, this.#data.length * 2));
      grown.set(this.#data);
      this.#data = grown;
    }
    let squares = 0;
    for (const value of vector) squares += value * value;
    const scale = squares === 0 ? 0 : 1 / Math.sqrt(squares);
    const offset = label * this.dimension;
    for (let index = 0; index < this.dimension; index += 1) {
      this.#data[offset + index] = (vector[index] ?? 0) * scale;
    }
    this.#size += 1;
    return label;
  }

  vectorOf(label: number): Float32Array {
    return this.#data.subarray(label * this.dimension, (label + 1) * this.dimension);
  }

  /** Dot product of the stored vector with `query` (which the caller has scaled to unit length). */
  score(label: number, query: Float32Array): number {
    const data = this.#data;
    const offset = label * this.dimension;
    let sum = 0;
    for (let index = 0; index < this.dimension; index += 1)
      sum += (data[offset + index] as number) * (query[index] as number);
    return sum;
  }
}
