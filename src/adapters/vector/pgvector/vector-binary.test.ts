import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { vectorFromBinary } from './vector-binary.js';

/** pgvector's `vector_send`: dimension, an unused int16, then the values as big-endian float4s. */
function binaryOf(values: readonly number[]): Buffer {
  const bytes = Buffer.alloc(4 + 4 * values.length);
  bytes.writeUInt16BE(values.length, 0);
  values.forEach((value, index) => bytes.writeFloatBE(value, 4 + 4 * index));
  return bytes;
}

describe('vectorFromBinary', () => {
  it('reads back every float4 exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true }), { maxLength: 64 }), (values) => {
        expect([...vectorFromBinary(binaryOf(values))]).toEqual(values.map((value) => Math.fround(value)));
      }),
    );
  });

  it('refuses bytes whose length does not match their dimension', () => {
    expect(() => vectorFromBinary(binaryOf([1, 2]).subarray(0, 10))).toThrow(/not pgvector's binary form/);
    expect(() => vectorFromBinary(Buffer.alloc(1))).toThrow(/not pgvector's binary form/);
  });
});
