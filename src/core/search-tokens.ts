/** Tokens longer than this are dropped (base64 blobs, hashes): nobody searches for them and they bloat the index. */
export const MAX_SEARCH_TOKEN_LENGTH = 100;

const TOKEN = /[\p{L}\p{N}]+/gu;
const COMBINING_MARK = /\p{M}/gu;

/**
 * The words of a text as the log search indexes and queries them: compatibility-decomposed (NFKD, so `²` is
 * `2` and `ﬁ` is `fi`), stripped of combining marks (so `é` is `e`), lower-cased, and split on anything that is
 * not a letter or a digit. Both stores then see only plain words separated by spaces, so SQLite FTS5 and
 * PostgreSQL's `simple` text-search configuration cut them identically, which their own tokenizers would not
 * (PostgreSQL keeps e-mail addresses and hyphenated words whole, FTS5 does not).
 * @example searchTokens('Crème brûlée, s’il-vous-plaît!') // ['creme', 'brulee', 's', 'il', 'vous', 'plait']
 */
export function searchTokens(text: string): string[] {
  const folded = text.normalize('NFKD').replace(COMBINING_MARK, '').toLowerCase();
  return (folded.match(TOKEN) ?? []).filter((token) => token.length <= MAX_SEARCH_TOKEN_LENGTH);
}
