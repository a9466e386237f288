import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatApiKey } from '../api-key-format.js';
import type { PiiEntity } from './pii-entity.js';
import { PII_ENTITIES, PII_MASKS } from './pii-entity.js';
import { createRedactor } from './redactor.js';

// Fixed seeds keep every run identical (a failure is reproducible and never flaky); the run counts are high enough
// to cover each generator's formats many times over.
const SEED = 20261125;
const RUNS = 400;

/** A generated piece of PII: the text inserted, and the part of it that must not survive redaction. */
interface PiiSample {
  entity: PiiEntity;
  text: string;
  pii: string;
}

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const BASE62 = DIGITS + UPPER + LOWER;

function chars(alphabet: string, length: number | { min: number; max: number }): fc.Arbitrary<string> {
  const { min, max } = typeof length === 'number' ? { min: length, max: length } : length;
  return fc
    .array(fc.constantFrom(...alphabet), { minLength: min, maxLength: max })
    .map((characters) => characters.join(''));
}

/** A random-looking token that holds at least one digit, as real keys do. */
function token(alphabet: string, length: number): fc.Arbitrary<string> {
  return fc
    .tuple(chars(alphabet, length - 1), fc.constantFrom(...DIGITS), fc.nat({ max: length - 1 }))
    .map(([body, digit, at]) => body.slice(0, at) + digit + body.slice(at));
}

// Computed independently of the code under test, so a shared mistake cannot hide.
function luhnCheckDigit(partial: string): string {
  let sum = 0;
  for (let i = 0; i < partial.length; i++) {
    let value = Number(partial[partial.length - 1 - i]);
    if (i % 2 === 0) value = value * 2 > 9 ? value * 2 - 9 : value * 2;
    sum += value;
  }
  return String((10 - (sum % 10)) % 10);
}

function groupDigits(digits: string, sizes: readonly number[], separator: string): string {
  const groups: string[] = [];
  let at = 0;
  for (const size of sizes) {
    groups.push(digits.slice(at, at + size));
    at += size;
  }
  return groups.join(separator);
}

/** Groups of four, with a short tail merged into the last group (`4-4-5` for 13 digits, `4-4-4-4-3` for 19). */
function foursOf(length: number): number[] {
  const sizes = Array.from({ length: Math.floor(length / 4) }, () => 4);
  const rest = length % 4;
  if (rest >= 3) sizes.push(rest);
  else if (rest > 0) sizes[sizes.length - 1] = 4 + rest;
  return sizes;
}

const CARD_NETWORKS: readonly { prefixes: readonly string[]; lengths: readonly number[] }[] = [
  { prefixes: ['4'], lengths: [13, 16, 19] },
  { prefixes: ['51', '52', '53', '54', '55', '2221', '2720'], lengths: [16] },
  { prefixes: ['34', '37'], lengths: [15] },
  { prefixes: ['6011', '65', '644'], lengths: [16, 19] },
  { prefixes: ['36', '38'], lengths: [14] },
  { prefixes: ['3528', '3589'], lengths: [16] },
  { prefixes: ['62'], lengths: [16, 17, 18, 19] },
];

const cardNumber = fc
  .constantFrom(...CARD_NETWORKS)
  .chain((network) =>
    fc.tuple(fc.constantFrom(...network.prefixes), fc.constantFrom(...network.lengths), chars(DIGITS, 19)),
  )
  .map(([prefix, length, filler]) => {
    const partial = (prefix + filler).slice(0, length - 1);
    return partial + luhnCheckDigit(partial);
  });

const card: fc.Arbitrary<PiiSample> = fc
  .tuple(cardNumber, fc.constantFrom('compact', 'spaces', 'dashes', 'printed'))
  .map(([digits, format]) => {
    let text = digits;
    if (format === 'spaces') text = groupDigits(digits, foursOf(digits.length), ' ');
    if (format === 'dashes') text = groupDigits(digits, foursOf(digits.length), '-');
    // Amex prints 4-6-5 and Diners 4-6-4.
    if (format === 'printed') {
      const sizes =
        digits.length === 15 ? [4, 6, 5] : digits.length === 14 ? [4, 6, 4] : foursOf(digits.length);
      text = groupDigits(digits, sizes, ' ');
    }
    return { entity: 'payment_card' as const, text, pii: text };
  });

// BBAN shapes from the IBAN registry for countries without a national checksum on top of mod-97.
const IBAN_COUNTRIES: Readonly<Record<string, fc.Arbitrary<string>>> = {
  DE: chars(DIGITS, 18),
  AT: chars(DIGITS, 16),
  SE: chars(DIGITS, 20),
  GB: fc.tuple(chars(UPPER, 4), chars(DIGITS, 14)).map((parts) => parts.join('')),
  NL: fc.tuple(chars(UPPER, 4), chars(DIGITS, 10)).map((parts) => parts.join('')),
  CH: fc.tuple(chars(DIGITS, 5), chars(DIGITS + UPPER, 12)).map((parts) => parts.join('')),
  IT: fc.tuple(chars(UPPER, 1), chars(DIGITS, 10), chars(DIGITS + UPPER, 12)).map((parts) => parts.join('')),
};

/** ISO 13616 check digits: 98 minus the mod-97 of BBAN + country + "00", letters counted A=10 … Z=35. */
function ibanCheckDigits(country: string, bban: string): string {
  let remainder = 0;
  for (const character of bban + country + '00') {
    const value = parseInt(character, 36);
    remainder = (remainder * (value > 9 ? 100 : 10) + value) % 97;
  }
  return String(98 - remainder).padStart(2, '0');
}

function formatIban(compact: string, format: string): string {
  if (format === 'printed') return compact.replace(/(.{4})(?=.)/g, '$1 ');
  if (format === 'lower') return compact.toLowerCase();
  return compact;
}

const ibanCompact = fc
  .constantFrom(...Object.keys(IBAN_COUNTRIES))
  .chain((country) => (IBAN_COUNTRIES[country] ?? fc.constant('')).map((bban) => ({ country, bban })))
  .map(({ country, bban }) => `${country}${ibanCheckDigits(country, bban)}${bban}`);

const iban: fc.Arbitrary<PiiSample> = fc
  .tuple(ibanCompact, fc.constantFrom('compact', 'printed', 'lower'))
  .map(([compact, format]) => {
    const text = formatIban(compact, format);
    return { entity: 'iban' as const, text, pii: text };
  });

const pad = (value: number, length: number): string => String(value).padStart(length, '0');

const ssn: fc.Arbitrary<PiiSample> = fc
  .tuple(
    fc.integer({ min: 1, max: 899 }).filter((area) => area !== 666),
    fc.integer({ min: 1, max: 99 }),
    fc.integer({ min: 1, max: 9999 }),
    fc.constantFrom('-', ' '),
  )
  .map(([area, group, serial, separator]) => {
    const text = [pad(area, 3), pad(group, 2), pad(serial, 4)].join(separator);
    return { entity: 'us_ssn' as const, text, pii: text };
  });

const nino: fc.Arbitrary<PiiSample> = fc
  .tuple(
    fc.constantFrom(...'ABCEGHJKLMNOPRSTWXYZ'),
    fc.constantFrom(...'ABCEGHJKLMNPRSTWXYZ'),
    chars(DIGITS, 6),
    fc.constantFrom(...'ABCD'),
    fc.boolean(),
  )
  .filter(([first, second]) => !['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ'].includes(first + second))
  .map(([first, second, digits, suffix, spaced]) => {
    const text = spaced
      ? `${first}${second} ${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4)} ${suffix}`
      : `${first}${second}${digits}${suffix}`;
    return { entity: 'uk_nino' as const, text, pii: text };
  });

const ipAddress: fc.Arbitrary<PiiSample> = fc
  .oneof(
    fc.ipV4(),
    fc.ipV6().filter((address) => address !== '::'),
  )
  .map((text) => ({ entity: 'ip_address' as const, text, pii: text }));

const LABEL = chars(LOWER + DIGITS, { min: 1, max: 10 });
const email: fc.Arbitrary<PiiSample> = fc
  .oneof(
    fc
      .tuple(
        fc.array(LABEL, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('', '+news', '_x', '-2'),
        fc.array(chars(LOWER + DIGITS, { min: 2, max: 12 }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('com', 'org', 'io', 'co.uk', 'de', 'fr', 'info', 'example'),
        fc.boolean(),
      )
      .map(([local, tag, domain, tld, upper]) => {
        const address = `${local.join('.')}${tag}@${domain.join('.')}.${tld}`;
        return upper ? address.toUpperCase() : address;
      }),
    fc.constantFrom('josé.garcía@correo.es', 'müller@bücher.de', 'ivan@пример.рф', "o'brien@example.ie"),
  )
  .map((text) => ({ entity: 'email' as const, text, pii: text }));

const nanp = fc.tuple(
  fc.integer({ min: 200, max: 999 }),
  fc.integer({ min: 200, max: 999 }),
  fc.integer({ min: 0, max: 9999 }),
);
const phone: fc.Arbitrary<PiiSample> = fc
  .oneof(
    nanp.chain(([area, exchange, line]) =>
      fc.constantFrom(
        `(${area}) ${exchange}-${pad(line, 4)}`,
        `${area}-${exchange}-${pad(line, 4)}`,
        `${area}.${exchange}.${pad(line, 4)}`,
        `${area} ${exchange} ${pad(line, 4)}`,
        `1-${area}-${exchange}-${pad(line, 4)}`,
        `+1 ${area} ${exchange} ${pad(line, 4)}`,
        `+1 (${area}) ${exchange}-${pad(line, 4)}`,
        `+1${area}${exchange}${pad(line, 4)}`,
      ),
    ),
    fc
      .tuple(
        fc.constantFrom('44', '33', '49', '91', '61', '81', '353', '420', '34'),
        chars(DIGITS, 9),
        fc.nat(9),
      )
      .chain(([country, rest, lead]) => {
        const national = `${(lead % 9) + 1}${rest}`;
        return fc.constantFrom(
          `+${country} ${national.slice(0, 2)} ${national.slice(2, 6)} ${national.slice(6)}`,
          `+${country}-${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}`,
          `+${country}${national}`,
          `+${country} (0)${national.slice(0, 2)} ${national.slice(2)}`,
        );
      }),
    fc.tuple(chars(DIGITS, 9), fc.nat(8)).chain(([rest, lead]) => {
      const national = `0${lead + 1}${rest}`;
      return fc.constantFrom(
        `${national.slice(0, 3)} ${national.slice(3, 7)} ${national.slice(7)}`,
        `${national.slice(0, 5)} ${national.slice(5)}`,
        `${national.slice(0, 4)}/${national.slice(4)}`,
        national,
        national.slice(0, 10).replace(/(\d{2})(?=\d)/g, '$1 '),
        national.slice(0, 10).replace(/(\d{2})(?=\d)/g, '$1.'),
      );
    }),
  )
  .map((text) => ({ entity: 'phone' as const, text, pii: text }));

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const base64urlJson = (value: unknown): string => base64url(new TextEncoder().encode(JSON.stringify(value)));

const secretSamples: readonly fc.Arbitrary<{ text: string; pii: string }>[] = [
  token(BASE62, 48).map((body) => `sk-${body}`),
  token(BASE62 + '_-', 64).map((body) => `sk-proj-${body}`),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => formatApiKey(bytes)),
  fc.tuple(fc.constantFrom('AKIA', 'ASIA'), chars(UPPER + DIGITS, 16)).map(([prefix, body]) => prefix + body),
  token(BASE62, 36).map((body) => `ghp_${body}`),
  token(BASE62 + '_', 82).map((body) => `github_pat_${body}`),
  fc
    .tuple(fc.constantFrom('xoxb', 'xoxp'), chars(DIGITS, 12), chars(DIGITS, 13), token(BASE62, 24))
    .map((parts) => parts.join('-')),
  fc
    .tuple(
      fc.record({ sub: fc.string(), admin: fc.boolean() }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
    )
    .map(([claims, signature]) =>
      [base64urlJson({ alg: 'HS256', typ: 'JWT' }), base64urlJson(claims), base64url(signature)].join('.'),
    ),
  fc.array(token(BASE62 + '+/', 64), { minLength: 1, maxLength: 4 }).map((lines) => {
    const text = ['-----BEGIN PRIVATE KEY-----', ...lines, '-----END PRIVATE KEY-----'].join('\n');
    return text;
  }),
].map((arbitrary) => arbitrary.map((text) => ({ text, pii: text })));

const labelledSecrets: readonly fc.Arbitrary<{ text: string; pii: string }>[] = [
  token(BASE62 + '-._~', 32).map((value) => ({ text: `Authorization: Bearer ${value}`, pii: value })),
  fc
    .tuple(
      fc.constantFrom(
        'password',
        'api_key',
        'DB_PASSWORD',
        'client_secret',
        'access_token',
        'OPENAI_API_KEY',
      ),
      fc.constantFrom('=', ': ', ' = '),
      token(BASE62, 12),
      fc.constantFrom('', '"', "'"),
    )
    .map(([name, separator, value, quote]) => ({
      text: `${name}${separator}${quote}${value}${quote}`,
      pii: value,
    })),
  fc
    .tuple(chars(LOWER, { min: 3, max: 8 }), token(BASE62, 14), chars(LOWER, { min: 2, max: 8 }))
    .map(([user, password, host]) => ({
      text: `postgres://${user}:${password}@${host}:5432/app`,
      pii: password,
    })),
];

const secret: fc.Arbitrary<PiiSample> = fc
  .oneof(...secretSamples, ...labelledSecrets)
  .map((sample) => ({ entity: 'secret' as const, ...sample }));

const GENERATORS: Readonly<Record<PiiEntity, fc.Arbitrary<PiiSample>>> = {
  email,
  phone,
  payment_card: card,
  iban,
  us_ssn: ssn,
  uk_nino: nino,
  ip_address: ipAddress,
  secret,
};

// Ordinary text around the PII: words from several scripts, and numbers in the shapes that look most like PII
// without being any (dates, times, versions, decimals, small counts). Numbers only ever follow a word, so no
// generated run of digit groups can form a card or phone by accident.
const WORDS = [
  'the',
  'report',
  'Meeting',
  'on',
  'Tuesday',
  'café',
  'naïve',
  'Zürich',
  'señor',
  '東京',
  'データ',
  'Ελλάδα',
  'данные',
  '🙂',
  'order',
  'price',
  'shipped',
  'e.g.',
  'x86_64',
  'utf-8',
  'C++',
  'std::vector',
  'ISO-8601',
  'réservation',
  'QA',
  'AB',
  'DE',
  'sku',
  'v2',
  'user',
  'mail',
  'at',
  'dot',
  'com',
];
const NUMBERS = [
  '2024-05-17',
  '17.05.2024',
  '05/17/2024',
  '2024-05-17T12:30:45Z',
  '12:30',
  '12:30:45',
  '1.2.3',
  'v2.10.0',
  '3.14159',
  '0.5',
  '42',
  '1,234,567',
  '100%',
  '#123',
  '8080',
  '1999',
  '7',
  '-12',
  '1e6',
  '2.0',
];
const SEPARATORS = [' ', '  ', '\n', ', ', '. ', ': ', ' — ', '\t', '; ', ' (', ') '];

const word = fc.constantFrom(...WORDS);
const safeText = fc
  .array(fc.tuple(word, fc.option(fc.constantFrom(...NUMBERS)), fc.constantFrom(...SEPARATORS)), {
    maxLength: 12,
  })
  .map((parts) =>
    parts.map(([w, number, separator]) => (number === null ? w : `${w} ${number}`) + separator).join(''),
  );

const LEFT = [' ', '\n', ': ', ' (', '"', '\t', ', ', ' — '];
const RIGHT = [' ', '\n', '. ', ') ', '"', ', ', '; ', '!'];

/** The sample inside generated text; the PII is preceded and followed by a word and a separator. */
function embedded(sample: fc.Arbitrary<PiiSample>): fc.Arbitrary<PiiSample> {
  return fc
    .tuple(safeText, word, fc.constantFrom(...LEFT), sample, fc.constantFrom(...RIGHT), word, safeText)
    .map(([before, left, open, pii, close, right, after]) => ({
      ...pii,
      text: `${before}${left}${open}${pii.text}${close}${right} ${after}`,
    }));
}

const redactor = createRedactor({ entities: PII_ENTITIES });

describe('redaction properties', () => {
  it.each(PII_ENTITIES)('removes every generated %s and leaves its mask', (entity) => {
    fc.assert(
      fc.property(embedded(GENERATORS[entity]), (sample) => {
        const { text, counts } = redactor.redactText(sample.text);
        expect(text).not.toContain(sample.pii);
        expect(text).toContain(PII_MASKS[entity]);
        expect(counts[entity]).toBeGreaterThanOrEqual(1);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('removes several kinds of PII from one text', () => {
    const mixed = fc.array(fc.oneof(...Object.values(GENERATORS)), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(mixed, safeText, (samples, filler) => {
        const text = samples.map((sample) => `${filler} word ${sample.text} word `).join('\n');
        const redacted = redactor.redactText(text).text;
        for (const sample of samples) expect(redacted).not.toContain(sample.pii);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('removes what any RFC-shaped e-mail address identifies', () => {
    fc.assert(
      fc.property(fc.emailAddress(), safeText, (address, filler) => {
        expect(redactor.redactText(`${filler} ${address} ${filler}`).text).not.toContain(address);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('leaves text without PII unchanged', () => {
    fc.assert(
      fc.property(safeText, (text) => {
        expect(redactor.redactText(text)).toEqual({ text, counts: {} });
      }),
      { seed: SEED, numRuns: RUNS * 2 },
    );
  });

  it('is idempotent on text with PII', () => {
    const text = fc
      .array(fc.oneof(...Object.values(GENERATORS).map(embedded)), { minLength: 1, maxLength: 4 })
      .map((samples) => samples.map((sample) => sample.text).join(''));
    fc.assert(
      fc.property(text, (original) => {
        const once = redactor.redactText(original).text;
        expect(redactor.redactText(once)).toEqual({ text: once, counts: {} });
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('is idempotent on arbitrary strings, including ones built from PII-like characters', () => {
    const pieces = fc.constantFrom(
      ...DIGITS,
      ' ',
      '-',
      '.',
      ':',
      '@',
      '+',
      '(',
      ')',
      '[',
      ']',
      '_',
      '=',
      '"',
      '/',
      'a',
      'e',
      'x',
      'DE',
      'AB',
      'sk-',
      'AKIA',
      'eyJ',
      'Bearer ',
      'password=',
      '::',
      'example.com',
      '[EMAIL]',
      '[SECRET]',
      '\n',
    );
    const pieced = fc.array(pieces, { maxLength: 60 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(pieced, fc.string({ unit: 'grapheme', maxLength: 80 })), (original) => {
        const once = redactor.redactText(original).text;
        expect(redactor.redactText(once).text).toBe(once);
      }),
      { seed: SEED, numRuns: RUNS * 5 },
    );
  });

  it('redactValue redacts each string as redactText does and never mutates its input', () => {
    const value = fc.array(
      fc.record({
        content: embedded(fc.oneof(...Object.values(GENERATORS))).map((sample) => sample.text),
        n: fc.nat(),
      }),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(value, (messages) => {
        const copy = structuredClone(messages);
        const redacted = redactor.redactValue(messages).value;
        expect(messages).toEqual(copy);
        expect(redacted).toEqual(
          messages.map((message) => ({ content: redactor.redactText(message.content).text, n: message.n })),
        );
      }),
      { seed: SEED, numRuns: RUNS / 2 },
    );
  });
});

// Near misses: the shapes of each entity with the part that makes them real broken (checksum, range, issuing
// rule), or the everyday strings a loose pattern would take for them.
const NEAR_MISSES: readonly fc.Arbitrary<string>[] = [
  cardNumber.map((digits) => digits.slice(0, -1) + String((Number(digits.slice(-1)) + 1) % 10)),
  ibanCompact.map((compact) => {
    const check = (Number(compact.slice(2, 4)) % 97) + 1;
    return formatIban(
      `${compact.slice(0, 2)}${pad(check === 1 ? 2 : check, 2)}${compact.slice(4)}`,
      'printed',
    );
  }),
  fc
    .tuple(
      fc.constantFrom('000', '666', '900', '999'),
      fc.integer({ min: 1, max: 99 }),
      fc.integer({ min: 1, max: 9999 }),
    )
    .map(([area, group, serial]) => `${area}-${pad(group, 2)}-${pad(serial, 4)}`),
  fc
    .tuple(fc.integer({ min: 1, max: 899 }), fc.integer({ min: 1, max: 9999 }))
    .map(([area, serial]) => `${pad(area, 3)}-00-${pad(serial, 4)}`),
  fc
    .tuple(fc.integer({ min: 256, max: 999 }), fc.ipV4())
    .map(([octet, address]) => `${octet}.${address.split('.').slice(1).join('.')}`),
  fc
    .tuple(fc.nat(9), fc.nat(20), fc.nat(99), fc.nat(9999))
    .map((parts) => `version ${parts.join('.')}.${parts[0]}`),
  fc
    .date({ min: new Date('1990-01-01'), max: new Date('2040-01-01'), noInvalidDate: true })
    .map((date) => date.toISOString()),
  fc.tuple(fc.nat(23), fc.nat(59), fc.nat(59)).map(([h, m, s]) => `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}`),
  fc.integer({ min: 0, max: 99_999_999 }).map(String),
  fc.double({ min: 0, max: 1, noNaN: true }).map(String),
  chars(LOWER, { min: 3, max: 12 }).map((handle) => `@${handle} and ${handle}@localhost`),
  chars(LOWER + '-', { min: 20, max: 40 }).map((rest) => `sk-${rest}`),
  fc.constantFrom('Bearer instruments', 'max_tokens: 512', '"total_tokens": 1234', 'tokenizer: o200k_base'),
  chars(UPPER + DIGITS, { min: 8, max: 30 }),
];

describe('labelled evaluation', () => {
  it('reaches the recall and precision Slipway holds itself to on a generated set', () => {
    const positives = PII_ENTITIES.flatMap((entity) =>
      fc.sample(embedded(GENERATORS[entity]), { seed: SEED, numRuns: 300 }),
    );
    const negatives = fc.sample(
      fc.tuple(safeText, word, fc.oneof(...NEAR_MISSES), word, safeText).map((parts) => parts.join(' ')),
      { seed: SEED, numRuns: 3000 },
    );
    const truePositives: Partial<Record<PiiEntity, number>> = {};
    const falsePositives: Partial<Record<PiiEntity, number>> = {};
    const expected: Partial<Record<PiiEntity, number>> = {};
    const tally = (table: Partial<Record<PiiEntity, number>>, entity: PiiEntity, by = 1) => {
      table[entity] = (table[entity] ?? 0) + by;
    };
    for (const sample of positives) {
      tally(expected, sample.entity);
      const { text, counts } = redactor.redactText(sample.text);
      const found = !text.includes(sample.pii) && (counts[sample.entity] ?? 0) > 0;
      if (found) tally(truePositives, sample.entity);
      for (const entity of PII_ENTITIES) {
        const extra = (counts[entity] ?? 0) - (found && entity === sample.entity ? 1 : 0);
        if (extra > 0) tally(falsePositives, entity, extra);
      }
    }
    for (const text of negatives) {
      const { counts } = redactor.redactText(text);
      for (const entity of PII_ENTITIES) tally(falsePositives, entity, counts[entity] ?? 0);
    }

    const report = Object.fromEntries(
      PII_ENTITIES.map((entity) => {
        const tp = truePositives[entity] ?? 0;
        const fp = falsePositives[entity] ?? 0;
        return [entity, { recall: tp / (expected[entity] ?? 1), precision: tp / Math.max(1, tp + fp) }];
      }),
    );
    for (const entity of ['payment_card', 'email', 'iban', 'ip_address', 'secret'] as const) {
      expect(report[entity]?.recall, entity).toBeGreaterThanOrEqual(0.99);
    }
    for (const entity of PII_ENTITIES) {
      expect(report[entity]?.recall, entity).toBeGreaterThanOrEqual(0.97);
      expect(report[entity]?.precision, entity).toBeGreaterThanOrEqual(0.95);
    }
  });
});
