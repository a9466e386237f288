/** Tokens longer than this are dropped (base64 blobs, hashes): nobody searches for them and they bloat the index. */
export const MAX_SEARCH_TOKEN_LENGTH = 100;

const TOKEN = /[\p{L}\p{N}]+/gu;
const COMBINING_MARK = /\p{M}/gu;
// Most logged text is printable ASCII, where NFKD and mark stripping change nothing and the letters and digits are
// [a-z0-9] once lower-cased: the same tokens for a fraction of the cost (the log indexes every request).
const NON_ASCII = /[^\t\n\r\x20-\x7e]/;
const ASCII_TOKEN = /[a-z0-9]+/g;

/**
 * The words of a text as the log search indexes and queries them: compatibility-decomposed (NFKD, so `²` is
 * `2` and `ﬁ` is `fi`), stripped of combining marks (so `é` is `e`), lower-cased, and split on anything that is
 * not a letter or a digit. Both stores then see only plain words separated by spaces, so SQLite FTS5 and
 * PostgreSQL's `simple` text-search configuration cut them identically, which their own tokenizers would not
 * (PostgreSQL keeps e-mail addresses and hyphenated words whole, FTS5 does not).
 * @example searchTokens('Crème brûlée, s’il-vous-plaît!') // ['creme', 'brulee', 's', 'il', 'vous', 'plait']
 */
export function searchTokens(text: string): string[] {
  const tokens = NON_ASCII.test(text)
    ? text.normalize('NFKD').replace(COMBINING_MARK, '').toLowerCase().match(TOKEN)
    : text.toLowerCase().match(ASCII_TOKEN);
  return (tokens ?? []).filter((token) => token.length <= MAX_SEARCH_TOKEN_LENGTH);
}
