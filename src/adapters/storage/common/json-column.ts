import type { JsonColumn } from './database.js';

// A `\u0000` escape not itself escaped (preceded by an even number of backslashes).
const ESCAPED_NUL = /(?<!\\)((?:\\\\)*)\\u0000/g;

/**
 * JSON text for a JSON column; null for `undefined`, which JSON cannot represent. U+0000 becomes U+FFFD:
 * PostgreSQL's JSONB cannot hold it, a single one would fail a whole batch, and SQLite does the same so that
 * both dialects read back the same value.
 */
export function encodeJson(value: unknown): JsonColumn | null {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  return text.includes('\\u0000') ? text.replace(ESCAPED_NUL, '$1\\ufffd') : text;
}

/** The value a JSON column holds; null for SQL NULL. */
export function decodeJson(text: JsonColumn | null): unknown {
  return text === null ? null : JSON.parse(text);
}
