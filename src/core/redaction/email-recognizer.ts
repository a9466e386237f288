import type { PiiRecognizer } from './pii-recognizer.js';

// RFC 5322 atext and dots, less the characters that usually end the text before an address in logs and markup:
// quote, backquote, `=` (`email=bob@…`) and `/` (paths, URLs). Those are taken too only when nothing else is
// there (`o'@example.com`), so no address is left whole.
const LOCAL_CHAR = /[\p{L}\p{N}.!#$%&*+?^_{|}~-]/u;
const RARE_LOCAL_CHAR = /[\p{L}\p{N}.!#$%&*+?^_{|}~'`=/-]/u;
// Run from just after an `@`: the domain's labels, then a letters-only top-level domain, so trailing punctuation
// (`bob@example.com.`) stays outside.
const DOMAIN = /[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,63}(?![\p{L}\p{N}])/uy;
// Far enough back for any real local part (RFC 5321 allows 64 octets) without rescanning a long blob per `@`.
const MAX_LOCAL_LENGTH = 256;

function expandLeft(text: string, options: { at: number; allowed: RegExp }): number {
  let start = options.at;
  while (start > 0 && options.at - start < MAX_LOCAL_LENGTH && options.allowed.test(text[start - 1] ?? ''))
    start--;
  return start;
}

/**
 * E-mail addresses, including Unicode local parts and domains. Anchored on each `@` and expanded both ways:
 * a regex that may start at any letter is about a hundred times slower on ordinary prose.
 */
export function createEmailRecognizer(): PiiRecognizer {
  const domain = new RegExp(DOMAIN);
  return {
    entity: 'email',
    find(text, found) {
      let at = text.indexOf('@');
      while (at !== -1) {
        let start = expandLeft(text, { at, allowed: LOCAL_CHAR });
        if (start === at) start = expandLeft(text, { at, allowed: RARE_LOCAL_CHAR });
        domain.lastIndex = at + 1;
        const match = start < at ? domain.exec(text) : null;
        if (match !== null) {
          const end = at + 1 + match[0].length;
          found.push({ start, end, entity: 'email' });
          at = text.indexOf('@', end);
        } else {
          at = text.indexOf('@', at + 1);
        }
      }
    },
  };
}
