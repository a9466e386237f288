import type { PiiRecognizer } from './pii-recognizer.js';
import { forEachMatch } from './pii-recognizer.js';

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
// Not inside a longer dotted run (`1.2.3.4.5` is a version, not an address) and not after a letter (`v1.2.3.4`).
const IPV4 = new RegExp(`(?<![\\w.])(?:${OCTET}\\.){3}${OCTET}(?![\\w]|\\.\\d)`, 'g');
/** One per octet: the fewest digits a dotted IPv4 address holds. */
const IPV4_DIGITS = 4;
// Every IPv6 text form with two or more colons holds two colons at most four hex digits apart; anchoring on that
// lets the engine skip to colons instead of trying every hex letter of ordinary prose (50x slower). The candidate
// is then widened to the whole run of hex digits and colons, with an optional dotted IPv4 tail, and its exact
// grammar (group count, at most one `::`) checked in code, clearer than one regex for RFC 4291.
const IPV6_ANCHOR = /:[0-9A-Fa-f]{0,4}:/g;
// The longest IPv6 text form: eight groups of four and seven colons.
const MAX_IPV6_LENGTH = 39;
const IPV6_RUN = /[0-9A-Fa-f:]{2,39}(?:\.\d{1,3}){0,3}(?![\w])/y;
const HEX_OR_COLON = /[0-9A-Fa-f:]/;
const ATTACHED_BEFORE = /[\w.]/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const IPV4_WHOLE = new RegExp(`^(?:${OCTET}\\.){3}${OCTET}$`);

function countGroups(part: string): number | null {
  if (part === '') return 0;
  const groups = part.split(':');
  let count = 0;
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i] ?? '';
    if (i === groups.length - 1 && group.includes('.')) {
      if (!IPV4_WHOLE.test(group)) return null;
      count += 2;
    } else if (HEX_GROUP.test(group)) {
      count += 1;
    } else {
      return null;
    }
  }
  return count;
}

/** RFC 4291 text forms: eight groups, or fewer with one `::`, optionally ending in an embedded IPv4 address. */
function isIpv6(candidate: string): boolean {
  const halves = candidate.split('::');
  if (halves.length > 2) return false;
  const [head = '', tail] = halves;
  if (tail === undefined) return countGroups(head) === 8;
  if (head.includes('.')) return false;
  const headCount = countGroups(head);
  const tailCount = countGroups(tail);
  if (headCount === null || tailCount === null) return false;
  // A bare `::` appears in code (`std::vector`, Rust paths) far more often than the unspecified address.
  return headCount + tailCount <= 7 && headCount + tailCount > 0;
}

/** IPv4 addresses with octets 0-255, and IPv6 addresses in full, compressed and IPv4-embedded forms. */
export function createIpAddressRecognizer(): PiiRecognizer {
  const ipv4 = new RegExp(IPV4);
  const anchor = new RegExp(IPV6_ANCHOR);
  const run = new RegExp(IPV6_RUN);
  return {
    entity: 'ip_address',
    find(text, found, digits) {
      if (digits >= IPV4_DIGITS && text.includes('.')) {
        forEachMatch(ipv4, text, (match) => {
          found.push({ start: match.index, end: match.index + match[0].length, entity: 'ip_address' });
        });
      }
      if (text.includes(':')) {
        forEachMatch(anchor, text, (match) => {
          let start = match.index;
          while (
            start > 0 &&
            match.index - start < MAX_IPV6_LENGTH &&
            HEX_OR_COLON.test(text[start - 1] ?? '')
          )
            start--;
          if (ATTACHED_BEFORE.test(text[start - 1] ?? '')) return;
          run.lastIndex = start;
          const widened = run.exec(text);
          if (widened === null) return;
          // Never behind the anchor's own end: a run longer than the widening limit would otherwise rescan forever.
          anchor.lastIndex = Math.max(match.index + match[0].length, start + widened[0].length);
          let candidate = widened[0];
          // `fe80::1:` at the end of a clause: the trailing colon is punctuation.
          if (!isIpv6(candidate) && candidate.endsWith(':') && !candidate.endsWith('::')) {
            candidate = candidate.slice(0, -1);
          }
          if (!isIpv6(candidate)) return;
          found.push({ start, end: start + candidate.length, entity: 'ip_address' });
        });
      }
    },
  };
}
