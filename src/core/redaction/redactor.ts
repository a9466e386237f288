import { SlipwayError } from '../errors.js';
import { createEmailRecognizer } from './email-recognizer.js';
import { createIbanRecognizer } from './iban-recognizer.js';
import { createIpAddressRecognizer } from './ip-address-recognizer.js';
import { createPaymentCardRecognizer } from './payment-card-recognizer.js';
import type { PiiEntity } from './pii-entity.js';
import { PII_ENTITIES, PII_MASKS } from './pii-entity.js';
import type { PiiRecognizer, PiiSpan } from './pii-recognizer.js';
import { countDigits } from './pii-recognizer.js';
import { createPhoneRecognizer } from './phone-recognizer.js';
import { createSecretRecognizer, isSecretKeyName } from './secret-recognizer.js';
import { createUkNinoRecognizer } from './uk-nino-recognizer.js';
import { createUsSsnRecognizer } from './us-ssn-recognizer.js';

/** How many values of each entity were replaced; entities with none are absent. */
type RedactionCounts = Partial<Record<PiiEntity, number>>;

interface RedactionResult {
  text: string;
  counts: RedactionCounts;
}

export interface RedactorOptions {
  /** The entities to find and replace; any other entity is left untouched. */
  entities: readonly PiiEntity[];
}

/**
 * Replaces personal data and secrets with typed masks (`[EMAIL]`, `[SECRET]`, …) before text is stored.
 * Deterministic and idempotent: redacting a redacted text changes nothing. Never mutates its input. Synchronous and
 * not reentrant (its precompiled regexes keep state), which a single-threaded caller gets for free.
 * @example createRedactor({ entities: PII_ENTITIES }).redactText('mail bob@example.com').text // 'mail [EMAIL]'
 */
export interface Redactor {
  redactText(text: string): RedactionResult;
  /**
   * Redacts every string inside a JSON-like value (objects, arrays, strings; other primitives pass through) and
   * returns a new value of the same shape; keys are kept. When `secret` is enabled, a string under a
   * credential-named key (`password`, `api_key`, `access_token`, …) is replaced whole, since nothing in the value
   * itself may say it is a secret. Objects are read through their own enumerable keys, so class instances come
   * back as plain objects.
   */
  redactValue<T>(value: T): { value: T; counts: RedactionCounts };
}

const RECOGNIZER_FACTORIES: Readonly<Record<PiiEntity, () => PiiRecognizer>> = {
  email: createEmailRecognizer,
  phone: createPhoneRecognizer,
  payment_card: createPaymentCardRecognizer,
  iban: createIbanRecognizer,
  us_ssn: createUsSsnRecognizer,
  uk_nino: createUkNinoRecognizer,
  ip_address: createIpAddressRecognizer,
  secret: createSecretRecognizer,
};

// Which entity names a merged region. Secrets first: their prefixes and labels are the most specific evidence.
// Phone shapes last: they are the loosest. Otherwise the longest span, which is the value the others were found
// inside (an IBAN whose digits happen to pass Luhn), then this order.
const PRECEDENCE: readonly PiiEntity[] = [
  'secret',
  'payment_card',
  'iban',
  'us_ssn',
  'uk_nino',
  'ip_address',
  'email',
  'phone',
];
const TIER: Readonly<Partial<Record<PiiEntity, number>>> = { secret: 2, phone: 0 };
const MASK_VALUES: ReadonlySet<string> = new Set(Object.values(PII_MASKS));
const SECRET_KEY_CACHE_SIZE = 1_024;
const OWN_PROPERTY = Object.freeze({ writable: true, enumerable: true, configurable: true });

function isStronger(candidate: PiiSpan, current: PiiSpan): boolean {
  const byTier = (TIER[candidate.entity] ?? 1) - (TIER[current.entity] ?? 1);
  if (byTier !== 0) return byTier > 0;
  const byLength = candidate.end - candidate.start - (current.end - current.start);
  if (byLength !== 0) return byLength > 0;
  return PRECEDENCE.indexOf(candidate.entity) < PRECEDENCE.indexOf(current.entity);
}

function increment(counts: RedactionCounts, entity: PiiEntity): void {
  counts[entity] = (counts[entity] ?? 0) + 1;
}

/**
 * Overlapping spans are merged and the whole region is replaced, named after the strongest span: whatever any
 * recognizer found is gone, even when two patterns disagree on where a value ends (a phone run into a card).
 */
function replaceSpans(text: string, spans: PiiSpan[], counts: RedactionCounts): string {
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let output = '';
  let copiedUpTo = 0;
  let index = 0;
  while (index < spans.length) {
    const first = spans[index];
    if (first === undefined) break;
    let region = first;
    let end = first.end;
    index++;
    for (let next = spans[index]; next !== undefined && next.start < end; next = spans[++index]) {
      if (next.end > end) end = next.end;
      if (isStronger(next, region)) region = next;
    }
    output += text.slice(copiedUpTo, first.start) + PII_MASKS[region.entity];
    copiedUpTo = end;
    increment(counts, region.entity);
  }
  return output + text.slice(copiedUpTo);
}

/**
 * Builds a redactor for the given entities; the patterns are compiled here, once, not per call.
 * @example const redactor = createRedactor({ entities: ['email', 'secret'] });
 * @throws SlipwayError `internal_error` when an entity is not one of PII_ENTITIES (a configuration that bypassed
 * its schema).
 */
export function createRedactor(options: RedactorOptions): Redactor {
  const entities = Object.freeze([...new Set(options.entities)]);
  for (const entity of entities) {
    if (!(PII_ENTITIES as readonly string[]).includes(entity)) {
      throw new SlipwayError('internal_error', `Unknown PII entity "${String(entity)}"`);
    }
  }
  const recognizers = entities.map((entity) => RECOGNIZER_FACTORIES[entity]());
  const redactsSecrets = entities.includes('secret');

  function redactInto(text: string, counts: RedactionCounts): string {
    const spans: PiiSpan[] = [];
    const digits = countDigits(text);
    for (const recognizer of recognizers) recognizer.find(text, spans, digits);
    return spans.length === 0 ? text : replaceSpans(text, spans, counts);
  }

  // Keys repeat across records (`role`, `content`, `model`), so each name is matched against the credential
  // pattern once. Bounded, so that a stream of distinct keys cannot grow it without limit.
  const secretKeyNames = new Map<string, boolean>();
  function isSecretKey(key: string): boolean {
    let known = secretKeyNames.get(key);
    if (known === undefined) {
      known = isSecretKeyName(key);
      if (secretKeyNames.size < SECRET_KEY_CACHE_SIZE) secretKeyNames.set(key, known);
    }
    return known;
  }

  function walk(value: unknown, counts: RedactionCounts, underSecretKey: boolean): unknown {
    if (typeof value === 'string') {
      if (underSecretKey && value !== '' && !MASK_VALUES.has(value)) {
        increment(counts, 'secret');
        return PII_MASKS.secret;
      }
      return redactInto(value, counts);
    }
    // `map` keeps the holes of a sparse array as holes.
    if (Array.isArray(value)) return value.map((item: unknown) => walk(item, counts, underSecretKey));
    if (typeof value === 'object' && value !== null) {
      const source = value as Record<string, unknown>;
      const copy: Record<string, unknown> = {};
      for (const key of Object.keys(source)) {
        const item = walk(source[key], counts, underSecretKey || (redactsSecrets && isSecretKey(key)));
        // Defined rather than assigned, so that a `__proto__` key from JSON.parse stays a key instead of a
        // prototype.
        if (key === '__proto__') Object.defineProperty(copy, key, { ...OWN_PROPERTY, value: item });
        else copy[key] = item;
      }
      return copy;
    }
    return value;
  }

  return {
    redactText(text) {
      const counts: RedactionCounts = {};
      return { text: redactInto(text, counts), counts };
    },
    redactValue<T>(value: T) {
      const counts: RedactionCounts = {};
      return { value: walk(value, counts, false) as T, counts };
    },
  };
}
