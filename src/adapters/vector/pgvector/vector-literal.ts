/**
 * pgvector's text form of a vector, `[1,0.5,-2]`. Each float32 is written as the shortest decimal of its double
 * value, which pgvector parses back to the same float32.
 * @example vectorLiteral(Float32Array.of(1, 0.5)) // '[1,0.5]'
 */
export function vectorLiteral(vector: Float32Array): string {
  return `[${vector.join(',')}]`;
}
