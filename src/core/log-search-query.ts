import { SlipwayError } from './errors.js';
import { searchTokens } from './search-tokens.js';

/** One thing every match must contain: a run of consecutive words; the last may be a prefix. */
interface LogSearchTerm {
  /** One or more words as `searchTokens` gives them; several must appear in this order, next to each other. */
  tokens: string[];
  /** The last token matches any word starting with it (`refund*`). */
  prefix: boolean;
}

/** A parsed full-text search over the interaction log: every term must match (AND). */
export interface LogSearchQuery {
  terms: LogSearchTerm[];
}

/** A quoted phrase (closed or running to the end), or a run of anything but whitespace and quotes. */
const CHUNK = /"([^"]*)"?(\*?)|([^\s"]+)/g;

/**
 * Parses what a person types in the search box. Every term must match (AND), case and diacritics do not matter,
 * `"quoted words"` must appear as a phrase, and a trailing `*` makes the last word a prefix. A bare chunk that
 * holds several words (`jane.doe`, `gpt-4o`) is a phrase, as it is in the text. Punctuation is never syntax, so
 * any string is safe: the stores get only the tokens.
 *
 * Throws `invalid_request` (param `q`) when the text holds no word at all.
 * @example parseLogSearchQuery('"late delivery" refund*') // { terms: [{ tokens: ['late', 'delivery'], prefix: false }, { tokens: ['refund'], prefix: true }] }
 */
export function parseLogSearchQuery(text: string): LogSearchQuery {
  const terms: LogSearchTerm[] = [];
  for (const match of text.matchAll(CHUNK)) {
    const phrase = match[1];
    const bare = match[3];
    const words = phrase ?? bare?.replace(/\*+$/, '') ?? '';
    const tokens = searchTokens(words);
    if (tokens.length === 0) continue;
    const prefix = phrase === undefined ? bare !== words : match[2] === '*';
    terms.push({ tokens, prefix });
  }
  if (terms.length === 0) {
    throw new SlipwayError('invalid_request', 'The search text holds no word to search for', { param: 'q' });
  }
  return { terms };
}
