import { SlipwayError } from '../../../core/errors.js';
import type { VectorChunk } from '../../../ports/vector-index.js';

const MAX_K = 1_000;
const MAX_NAME_LENGTH = 512;

/** A collection or document id: 1..512 characters, checked before it reaches a statement. */
export function checkName(value: unknown, param: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME_LENGTH) {
    throw new SlipwayError(
      'invalid_request',
      `${param} must be a string of 1 to ${MAX_NAME_LENGTH} characters`,
      {
        param,
      },
    );
  }
  return value;
}

export function checkVector(vector: unknown, dimension: number, param = 'vector'): Float32Array {
  if (!(vector instanceof Float32Array)) {
    throw new SlipwayError('invalid_request', `${param} must be a Float32Array`, { param });
  }
  if (vector.length !== dimension) {
    throw new SlipwayError(
      'invalid_request',
      `${param} has ${vector.length} dimensions; the collection's vectors have ${dimension}`,
      { param },
    );
  }
  for (const value of vector) {
    if (!Number.isFinite(value))
      throw new SlipwayError('invalid_request', `${param} holds a non-finite number`, { param });
  }
  return vector;
}

export function checkK(k: unknown): number {
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > MAX_K) {
    throw new SlipwayError('invalid_request', `k must be an integer from 1 to ${MAX_K}`, { param: 'k' });
  }
  return k;
}

export function checkChunks(chunks: readonly VectorChunk[], dimension: number): void {
  const indexes = new Set<number>();
  for (const chunk of chunks) {
    if (!Number.isInteger(chunk.index) || chunk.index < 0) {
      throw new SlipwayError('invalid_request', 'A chunk index must be a whole number from 0', {
        param: 'chunks',
      });
    }
    if (indexes.has(chunk.index)) {
      throw new SlipwayError('invalid_request', `Chunk index ${chunk.index} is repeated`, {
        param: 'chunks',
      });
    }
    indexes.add(chunk.index);
    if (typeof chunk.text !== 'string') {
      throw new SlipwayError('invalid_request', 'A chunk text must be a string', { param: 'chunks' });
    }
    checkVector(chunk.vector, dimension, 'chunks');
  }
}
