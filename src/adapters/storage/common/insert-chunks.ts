/** Rows per multi-row INSERT, below both dialects' parameter limits for our widest table. */
const MAX_ROWS_PER_INSERT = 256;

/**
 * Splits rows into multi-row INSERT chunks. Past the full chunks, the rest is split into powers of two, so that
 * any batch size uses at most a handful of distinct statement shapes and cached prepared statements get reused.
 */
export function splitIntoInsertChunks<T>(
  rows: readonly T[],
  options: { columns: number; maxParameters: number },
): T[][] {
  const largest = Math.max(
    1,
    Math.min(MAX_ROWS_PER_INSERT, Math.floor(options.maxParameters / options.columns)),
  );
  const chunks: T[][] = [];
  let start = 0;
  while (start < rows.length) {
    const remaining = rows.length - start;
    const size = remaining >= largest ? largest : 2 ** Math.floor(Math.log2(remaining));
    chunks.push(rows.slice(start, start + size));
    start += size;
  }
  return chunks;
}
