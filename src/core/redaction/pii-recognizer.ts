import type { PiiEntity } from './pii-entity.js';

/** Where one entity was found: `[start, end)` in UTF-16 code units of the scanned text. */
export interface PiiSpan {
  start: number;
  end: number;
  entity: PiiEntity;
}

/**
 * Finds every occurrence of one entity in a text. A recognizer owns precompiled global regexes and so is not
 * reentrant; the redactor calls it synchronously, one text at a time. Spans may overlap, from one recognizer or
 * several; the redactor replaces each overlapping group as one region.
 */
export interface PiiRecognizer {
  readonly entity: PiiEntity;
  /**
   * Appends the spans found in `text` to `found`, in any order. Never throws for any input string. `digits` is the
   * number of ASCII digits in `text`, counted once by the caller for every recognizer: most entities hold a
   * fixed least number of digits, and skipping a text with fewer is much cheaper than running the patterns over
   * it (most texts of a log are short words, ids and prose).
   */
  find(text: string, found: PiiSpan[], digits: number): void;
}

/** Runs a global regex over the whole text from the start, calling `onMatch` for each match. */
export function forEachMatch(pattern: RegExp, text: string, onMatch: (match: RegExpExecArray) => void): void {
  pattern.lastIndex = 0;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    onMatch(match);
    // A zero-length match would otherwise loop forever on the same index.
    if (match[0].length === 0) pattern.lastIndex++;
  }
}

const DIGIT = /\d/;

/** Counts the ASCII digits in a string. */
export function countDigits(text: string): number {
  // The regex engine finds the first digit (if any) several times faster than a loop over every character, and
  // most texts of a log are words and prose with few digits or none.
  const first = text.search(DIGIT);
  if (first === -1) return 0;
  let count = 0;
  for (let i = first; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) count++;
  }
  return count;
}

// The country code and check digits of an IBAN, then any printed groups of four, ending just before `index`.
const IBAN_HEAD_BEFORE = /(?:^|[^A-Za-z0-9])[A-Za-z]{2}\d{2}(?: [A-Za-z0-9]{4})* $/;
const IBAN_HEAD_REACH = 40;

/**
 * True when the text before `index` is the start of a printed IBAN (`SE94 0049 `). The digit groups of a mistyped
 * IBAN are not a card or a phone number, even when some of them happen to pass Luhn or start with a 0.
 */
export function followsIbanHead(text: string, index: number): boolean {
  return IBAN_HEAD_BEFORE.test(text.slice(Math.max(0, index - IBAN_HEAD_REACH), index));
}
