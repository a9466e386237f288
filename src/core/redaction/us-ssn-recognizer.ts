import type { PiiRecognizer } from './pii-recognizer.js';
import { forEachMatch } from './pii-recognizer.js';

// Area-group-serial with one separator used twice. Plain nine-digit runs are left alone: far more of them are
// order numbers and ids than SSNs. Nor is it part of a longer run of digit groups (`+420 30 4539 8126`).
const US_SSN = /(?<![\w.+-]|(?:^|[\s(])\d{1,8}[ -])(\d{3})([ -])(\d{2})\2(\d{4})(?![\w]|[ .-]\d)/g;
const SSN_DIGITS = 9;

/** True when the parts follow the SSA's issuing rules: no 000, 666 or 9xx area, no 00 group, no 0000 serial. */
function isIssuable(area: string, group: string, serial: string): boolean {
  return area !== '000' && area !== '666' && !area.startsWith('9') && group !== '00' && serial !== '0000';
}

/** US social security numbers written `123-45-6789` or `123 45 6789`. */
export function createUsSsnRecognizer(): PiiRecognizer {
  const pattern = new RegExp(US_SSN);
  return {
    entity: 'us_ssn',
    find(text, found, digits) {
      if (digits < SSN_DIGITS) return;
      forEachMatch(pattern, text, (match) => {
        if (!isIssuable(match[1] ?? '', match[3] ?? '', match[4] ?? '')) return;
        found.push({ start: match.index, end: match.index + match[0].length, entity: 'us_ssn' });
      });
    },
  };
}
