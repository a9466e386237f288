import type { PiiEntity } from '../../../../core/redaction/pii-entity.js';

/**
 * The redactor's masks (`[EMAIL]`, `[SECRET]`, …), spelled out here because the dashboard may import only types
 * from the server. `satisfies` keeps this list complete: a new entity in core fails the web type-check until it is
 * added.
 */
const MASK_LABELS = {
  email: 'e-mail address',
  phone: 'phone number',
  payment_card: 'payment card number',
  iban: 'IBAN',
  us_ssn: 'US social security number',
  uk_nino: 'UK national insurance number',
  ip_address: 'IP address',
  secret: 'secret',
} as const satisfies Record<PiiEntity, string>;

export type TextSegment = { kind: 'text'; text: string } | { kind: 'mask'; text: string; label: string };

const LABEL_BY_MASK: ReadonlyMap<string, string> = new Map(
  Object.entries(MASK_LABELS).map(([entity, label]) => [`[${entity.toUpperCase()}]`, label]),
);
const MASK_PATTERN = new RegExp(
  [...LABEL_BY_MASK.keys()].map((mask) => mask.replace(/[[\]]/g, '\\$&')).join('|'),
  'g',
);

/** Splits stored text into plain runs and redaction masks, so masks can be styled and labelled. */
export function splitRedactionMasks(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(MASK_PATTERN)) {
    const start = match.index;
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) });
    segments.push({ kind: 'mask', text: match[0], label: LABEL_BY_MASK.get(match[0]) ?? 'redacted value' });
    last = start + match[0].length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}
