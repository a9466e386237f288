import { getCountrySpecifications, isValidIBAN } from 'ibantools';
import type { PiiRecognizer } from './pii-recognizer.js';
import { forEachMatch } from './pii-recognizer.js';

// A country code and two check digits at the start of a token, followed by the BBAN. The BBAN's length comes from
// the country's registry entry, not from the regex: a greedy regex would swallow the next word (`… 00 EUR`).
const IBAN_START = /(?<![\p{L}\p{N}_])[A-Za-z]{2}\d{2}(?= ?[A-Za-z0-9])/gu;
const ALPHANUMERIC = /[A-Za-z0-9]/;
/** Every IBAN holds at least its two check digits. */
const CHECK_DIGITS = 2;

const LENGTH_BY_COUNTRY: ReadonlyMap<string, number> = new Map(
  Object.entries(getCountrySpecifications()).flatMap(([country, spec]) =>
    spec.chars === null ? [] : [[country, spec.chars] as const],
  ),
);

/**
 * Reads `length` alphanumerics from `start`, allowing one space between any two (the printed groups of four, or
 * none). Returns the end index and the compact form, or null when the text runs out, two separators meet, or an
 * alphanumeric follows directly after the last character (then the token is longer than this country's IBAN).
 */
function readIban(
  text: string,
  options: { start: number; length: number },
): { end: number; compact: string } | null {
  let compact = '';
  let index = options.start;
  while (compact.length < options.length) {
    const char = text[index];
    if (char === undefined) return null;
    if (ALPHANUMERIC.test(char)) {
      compact += char;
      index++;
    } else if (char === ' ' && compact.length > 0 && ALPHANUMERIC.test(text[index + 1] ?? '')) {
      index++;
    } else {
      return null;
    }
  }
  if (ALPHANUMERIC.test(text[index] ?? '')) return null;
  return { end: index, compact };
}

/**
 * IBANs of every registered country, compact or printed in groups, upper or lower case, accepted only when
 * ibantools validates them: the registry length and BBAN format, the ISO 7064 mod-97 check digits and, for the
 * countries that have one, the national checksum.
 */
export function createIbanRecognizer(): PiiRecognizer {
  const pattern = new RegExp(IBAN_START);
  return {
    entity: 'iban',
    find(text, found, digits) {
      if (digits < CHECK_DIGITS) return;
      forEachMatch(pattern, text, (match) => {
        const length = LENGTH_BY_COUNTRY.get(match[0].slice(0, 2).toUpperCase());
        if (length === undefined) return;
        const read = readIban(text, { start: match.index, length });
        if (read === null || !isValidIBAN(read.compact.toUpperCase())) return;
        found.push({ start: match.index, end: read.end, entity: 'iban' });
        pattern.lastIndex = read.end;
      });
    },
  };
}
