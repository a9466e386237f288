import type { PiiRecognizer } from './pii-recognizer.js';
import { countDigits, followsIbanHead, forEachMatch } from './pii-recognizer.js';

// E.164 allows at most 15 digits including the country code; 7 is the shortest number worth calling a phone.
const MIN_DIGITS = 7;
const MAX_INTERNATIONAL_DIGITS = 15;
const MIN_NATIONAL_DIGITS = 9;
const MAX_NATIONAL_DIGITS = 13;
/** Area code, exchange and line: the fewest digits the North American form can hold. */
const NORTH_AMERICAN_DIGITS = 10;

// `+` and a country code, then groups each opened by one space, dot or dash, or by an area code in parentheses
// (`+44 (0)20 …`); a separator is required between groups so a digit run has only one reading and a failed match
// cannot backtrack through every way of splitting it.
const INTERNATIONAL = /(?<![\w+])\+[1-9]\d{0,14}(?:[ .-]?\(\d{1,4}\)\d{0,10}|[ .-]\d{1,10}){0,7}(?!\w)/g;
// North American: (415) 555-2671, 415-555-2671, 415.555.2671, 1-800-555-0199. Separators are required: a bare
// ten-digit run is more often an id than a phone. Like the next form, it may not continue a run of standalone digit
// groups (`… 0044 0532 0130 00` inside an IBAN or a table).
const NORTH_AMERICAN =
  /(?<![\w+.-]|(?:^|[\s(])\d{1,8} )(?:1[ .-])?(?:\([2-9]\d{2}\)[ .-]?|[2-9]\d{2}[ .-])\d{3}[ .-]\d{4}(?![\w]|[.-]\d)/g;
// National numbers written with the trunk prefix 0 used across Europe and much of the world: 020 7946 0958,
// 030/12345678, 06 12 34 56 78, 0612345678. The leading 0 is what tells them apart from other numbers in prose.
const TRUNK_PREFIXED =
  /(?<![\w+.\-/]|(?:^|[\s(])\d{1,8} )(?:0[1-9]\d{8,11}|(?:\(0[1-9]\d{0,3}\) ?|0[1-9]\d{0,3}[ ./-])\d{2,8}(?:[ .-]\d{2,8}){0,3})(?![\w]|[./-]\d)/g;
// Dots are how dates (`01.02.2024`) and versions are written; the only dotted national form accepted is the French
// one in pairs.
const DOTTED_PAIRS = /^0[1-9](?:\.\d{2}){4}$/;
// `012-34-5678` is written like a US SSN, and the SSN rules decide about it.
const SSN_SHAPE = /^\d{3}([ -])\d{2}\1\d{4}$/;

/** Drops trailing groups until at most `max` digits remain; `+44 20 7946 0958 2024` keeps the phone. */
function trimToDigits(candidate: string, max: number): string {
  let text = candidate;
  while (countDigits(text) > max) {
    const cut = Math.max(text.lastIndexOf(' '), text.lastIndexOf('.'), text.lastIndexOf('-'));
    if (cut <= 0) return '';
    text = text.slice(0, cut).replace(/[ .-]+$/, '');
  }
  return text;
}

/**
 * Phone numbers in international form (`+` and country code) and in common national forms (North American, and
 * trunk-prefixed national numbers), with at least 7 digits. Dates, times, versions, decimals and bare digit runs
 * do not have these shapes and are left alone.
 */
export function createPhoneRecognizer(): PiiRecognizer {
  const international = new RegExp(INTERNATIONAL);
  const northAmerican = new RegExp(NORTH_AMERICAN);
  const trunkPrefixed = new RegExp(TRUNK_PREFIXED);
  return {
    entity: 'phone',
    find(text, found, digits) {
      if (digits < MIN_DIGITS) return;
      if (text.includes('+')) {
        forEachMatch(international, text, (match) => {
          const phone = trimToDigits(match[0], MAX_INTERNATIONAL_DIGITS);
          if (countDigits(phone) < MIN_DIGITS) return;
          found.push({ start: match.index, end: match.index + phone.length, entity: 'phone' });
        });
      }
      if (digits < MIN_NATIONAL_DIGITS) return;
      if (digits >= NORTH_AMERICAN_DIGITS) {
        forEachMatch(northAmerican, text, (match) => {
          if (followsIbanHead(text, match.index)) return;
          found.push({ start: match.index, end: match.index + match[0].length, entity: 'phone' });
        });
      }
      forEachMatch(trunkPrefixed, text, (match) => {
        const phone = match[0];
        const digits = countDigits(phone);
        if (digits < MIN_NATIONAL_DIGITS || digits > MAX_NATIONAL_DIGITS) return;
        if (phone.includes('.') && !DOTTED_PAIRS.test(phone)) return;
        if (SSN_SHAPE.test(phone) || followsIbanHead(text, match.index)) return;
        found.push({ start: match.index, end: match.index + phone.length, entity: 'phone' });
      });
    },
  };
}
