import { isLuhnValid } from './luhn.js';
import type { PiiRecognizer } from './pii-recognizer.js';
import { followsIbanHead, forEachMatch } from './pii-recognizer.js';

const MIN_DIGITS = 13;
const MAX_DIGITS = 19;
// A run of digit groups joined by single spaces or dashes holding at least 13 digits. Starting with a plain `\d`
// lets the regex engine skip ahead to digits; a lookbehind first would be tried at every position (10x slower).
const DIGIT_RUN = /\d(?:[ -]?\d){12,}/g;
// After a letter, an underscore or a decimal point, a group belongs to a hash, an identifier or a long decimal
// (`0.4111111111111111`), not to a card.
const ATTACHED_BEFORE = /(?:[\p{L}\p{N}_]|\d[.,])$/u;
const ATTACHED_AFTER = /^(?:[\p{L}\p{N}_]|[.,]\d)/u;
const GROUP = /\d+/g;

interface Group {
  start: number;
  end: number;
}

/**
 * ISO/IEC 7812 major industry identifiers 2-6 cover every card network (Visa 4, Mastercard 2 and 5, Amex and Diners
 * 3, Discover and UnionPay 6); 7-9 and 0 are not payment cards, so requiring 2-6 removes about half of the
 * Luhn-valid accidents among random digits.
 */
function hasIssuerPrefix(digits: string): boolean {
  const first = digits.charCodeAt(0) - 48;
  return first >= 2 && first <= 6;
}

/** A card is written as one unbroken run, or in groups of 3 to 6 digits (4-4-4-4, 4-6-5, 4-4-4-4-3). */
function hasCardShape(groups: readonly Group[], from: number, to: number): boolean {
  if (from === to) return true;
  for (let i = from; i <= to; i++) {
    const group = groups[i];
    if (group === undefined) return false;
    const length = group.end - group.start;
    if (length < 3 || length > 6) return false;
  }
  return true;
}

/**
 * Payment card numbers: 13-19 digits, compact or grouped with spaces or dashes, with a valid Luhn check digit and
 * an issuer prefix. Inside a longer run of groups (a card followed by its expiry, a phone number before it) the
 * longest valid window from each group is reported; they may overlap, and the redactor removes their union, since
 * which window is the card cannot be told from the digits alone.
 */
export function createPaymentCardRecognizer(): PiiRecognizer {
  const run = new RegExp(DIGIT_RUN);
  const group = new RegExp(GROUP);
  return {
    entity: 'payment_card',
    find(text, found, digits) {
      if (digits < MIN_DIGITS) return;
      forEachMatch(run, text, (match) => {
        const groups: Group[] = [];
        forEachMatch(group, match[0], (digits) => {
          groups.push({
            start: match.index + digits.index,
            end: match.index + digits.index + digits[0].length,
          });
        });
        const runEnd = match.index + match[0].length;
        const firstGroupUsable = !ATTACHED_BEFORE.test(text.slice(Math.max(0, match.index - 2), match.index));
        const lastGroupUsable = !ATTACHED_AFTER.test(text.slice(runEnd, runEnd + 2));
        for (let from = firstGroupUsable ? 0 : 1; from < groups.length; from++) {
          if (followsIbanHead(text, groups[from]?.start ?? 0)) continue;
          let accepted = -1;
          let digits = '';
          for (let to = from; to < groups.length; to++) {
            const current = groups[to];
            if (current === undefined) break;
            digits += text.slice(current.start, current.end);
            if (digits.length > MAX_DIGITS) break;
            if (to === groups.length - 1 && !lastGroupUsable) break;
            if (
              digits.length >= MIN_DIGITS &&
              hasCardShape(groups, from, to) &&
              hasIssuerPrefix(digits) &&
              isLuhnValid(digits)
            ) {
              accepted = to;
            }
          }
          const first = groups[from];
          const last = groups[accepted];
          if (first !== undefined && last !== undefined) {
            found.push({ start: first.start, end: last.end, entity: 'payment_card' });
          }
        }
      });
    },
  };
}
