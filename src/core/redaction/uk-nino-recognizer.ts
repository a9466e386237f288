import type { PiiRecognizer } from './pii-recognizer.js';
import { forEachMatch } from './pii-recognizer.js';

// HMRC's format: two prefix letters (D, F, I, Q, U, V never used; O never second; BG, GB, KN, NK, NT, TN, ZZ never
// allocated), six digits, a suffix A-D; written compact or in pairs.
const UK_NINO =
  /(?<![\w])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?!\w)/g;
const NINO_DIGITS = 6;

/** UK National Insurance numbers such as `AB 12 34 56 C` (upper case, as printed). */
export function createUkNinoRecognizer(): PiiRecognizer {
  const pattern = new RegExp(UK_NINO);
  return {
    entity: 'uk_nino',
    find(text, found, digits) {
      if (digits < NINO_DIGITS) return;
      forEachMatch(pattern, text, (match) => {
        found.push({ start: match.index, end: match.index + match[0].length, entity: 'uk_nino' });
      });
    },
  };
}
