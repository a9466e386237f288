/**
 * The cosine of the angle between two vectors, in [-1, 1]; NaN when their lengths differ or either is all zeros,
 * so that a `similar` assertion compared with it fails rather than passes by accident.
 * @example cosineSimilarity([1, 0], [1, 1]) // 0.7071…
 */
export function cosineSimilarity(left: readonly number[], right: readonly number[]): number {
  if (left.length !== right.length || left.length === 0) return Number.NaN;
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < left.length; index += 1) {
    const a = left[index] as number;
    const b = right[index] as number;
    dot += a * b;
    leftNorm += a * a;
    rightNorm += b * b;
  }
  // Each norm's root apart: their product can underflow to zero for tiny vectors where the roots do not.
  const denominator = Math.sqrt(leftNorm) * Math.sqrt(rightNorm);
  if (denominator === 0 || !Number.isFinite(denominator)) return Number.NaN;
  // Rounding can land a hair outside [-1, 1].
  return Math.min(1, Math.max(-1, dot / denominator));
}
