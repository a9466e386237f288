/**
 * Text as a column can hold it: U+0000 becomes U+FFFD, because PostgreSQL rejects it in text and one such value
 * (an end-user id, an upstream's error message) would fail a whole batch. SQLite does the same, so that both
 * dialects read back the same value.
 */
export function toStorableText<T extends string | null>(text: T): T {
  return text !== null && text.includes('\u0000') ? (text.replaceAll('\u0000', '\ufffd') as T) : text;
}
