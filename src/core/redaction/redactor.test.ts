import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../errors.js';
import type { PiiEntity } from './pii-entity.js';
import { PII_ENTITIES, PII_MASKS } from './pii-entity.js';
import { createRedactor } from './redactor.js';

const all = createRedactor({ entities: PII_ENTITIES });

function redact(text: string): string {
  return all.redactText(text).text;
}

describe('redactText: each entity', () => {
  it.each([
    ['bob@example.com', 'mail [EMAIL].'],
    ['Bob.Smith+tag@mail.example.co.uk', 'mail [EMAIL].'],
    ['josé.müller@bücher.de', 'mail [EMAIL].'],
    ['o_brien-2@sub-domain.example.io', 'mail [EMAIL].'],
  ])('e-mail %s', (email, expected) => {
    expect(redact(`mail ${email}.`)).toBe(expected);
  });

  it('keeps what surrounds an e-mail address', () => {
    expect(redact('<bob@example.com>, mailto:bob@example.com; email=bob@example.com')).toBe(
      '<[EMAIL]>, mailto:[EMAIL]; email=[EMAIL]',
    );
    expect(redact('not mail: @handle, a@b, user@localhost, 3 @ 4')).toBe(
      'not mail: @handle, a@b, user@localhost, 3 @ 4',
    );
  });

  it.each([
    '+44 20 7946 0958',
    '+1 (415) 555-2671',
    '+14155552671',
    '+33 6 12 34 56 78',
    '+49 30 12345678',
    '+91-98765-43210',
    '+44 (0)20 7946 0958',
    '415-555-2671',
    '(415) 555-2671',
    '415.555.2671',
    '1-800-555-0199',
    '020 7946 0958',
    '06 12 34 56 78',
    '06.12.34.56.78',
    '030/12345678',
    '0612345678',
  ])('phone %s', (phone) => {
    expect(redact(`call ${phone} today`)).toBe('call [PHONE] today');
  });

  it.each([
    '2024-05-17',
    '17.05.2024',
    '05/17/2024',
    '2024-05-17T12:30:45Z',
    '12:30',
    'version 1.2.3',
    'build 10.0.19041.1234',
    'pi is 3.14159265358979',
    '1,234,567',
    '123456789',
    '4155552671',
    'port 8080 and 443',
    'between 1500 and 2000 users',
    '+1 234',
    '0.123456789',
    'room 012',
  ])('no phone in %s', (text) => {
    expect(redact(text)).toBe(text);
  });

  it('keeps a phone number followed by more digits', () => {
    expect(redact('tel +44 20 7946 0958 2024')).toBe('tel [PHONE] 2024');
  });

  it.each([
    '4111111111111111',
    '4111 1111 1111 1111',
    '4111-1111-1111-1111',
    '5555 5555 5555 4444',
    '2223 0031 2200 3222',
    '378282246310005',
    '3782 822463 10005',
    '6011 1111 1111 1117',
    '3056 930902 5904',
    '4222222222222',
    '6011 0009 9013 9424 348',
  ])('payment card %s', (card) => {
    expect(redact(`card ${card}, thanks`)).toBe('card [PAYMENT_CARD], thanks');
  });

  it('finds a card followed by its expiry or inside a list of groups', () => {
    expect(redact('4111 1111 1111 1111 12/27')).toBe('[PAYMENT_CARD] 12/27');
    expect(redact('ref 12 4111 1111 1111 1111 2024')).toBe('ref 12 [PAYMENT_CARD] 2024');
  });

  it.each([
    ['a failed Luhn check', '4111 1111 1111 1112'],
    ['a non-card issuer digit', '9111111111111111'],
    ['too few digits', '411111111111'],
    ['too many digits', '41111111111111111111'],
    ['a long decimal', '0.4111111111111111'],
    ['a hash', 'a4111111111111111'],
    ['an identifier', 'id_4111111111111111'],
    ['single-digit groups', '4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1'],
  ])('no card in %s', (_, text) => {
    expect(redact(text)).toBe(text);
  });

  it.each([
    'DE89 3704 0044 0532 0130 00',
    'DE89370400440532013000',
    'GB82 WEST 1234 5698 7654 32',
    'GB82WEST12345698765432',
    'NL91ABNA0417164300',
    'nl91 abna 0417 1643 00',
    'FR14 2004 1010 0505 0001 3M02 606',
    'BE68 5390 0754 7034',
    'CH93 0076 2011 6238 5295 7',
  ])('IBAN %s', (iban) => {
    expect(redact(`pay to ${iban} EUR`)).toBe('pay to [IBAN] EUR');
  });

  it.each([
    ['a wrong check digit', 'DE88 3704 0044 0532 0130 00'],
    ['a wrong length', 'DE89 3704 0044 0532 0130 0'],
    ['an unknown country', 'XX89 3704 0044 0532 0130 00'],
    ['glued to a word', 'DE89370400440532013000X'],
  ])('no IBAN with %s', (_, text) => {
    expect(all.redactText(text).counts.iban).toBeUndefined();
  });

  it.each(['123-45-6789', '078-05-1121', '899 12 3456'])('US SSN %s', (ssn) => {
    expect(redact(`ssn ${ssn}.`)).toBe('ssn [US_SSN].');
  });

  it.each([
    '000-12-3456',
    '666-12-3456',
    '900-12-3456',
    '123-00-4567',
    '123-45-0000',
    '123-45 6789',
    '1123-45-6789',
  ])('no SSN in %s', (text) => {
    expect(redact(text)).toBe(text);
  });

  it('finds UK National Insurance numbers and skips unallocated prefixes', () => {
    expect(redact('NI AB 12 34 56 C and AB123456C')).toBe('NI [UK_NINO] and [UK_NINO]');
    expect(redact('GB123456A QQ123456C AB123456E')).toBe('GB123456A QQ123456C AB123456E');
  });

  it.each([
    '192.168.1.1',
    '10.0.0.255',
    '8.8.8.8',
    '::1',
    'fe80::1',
    '2001:db8::ff00:42:8329',
    '2001:0db8:0000:0000:0000:ff00:0042:8329',
    '::ffff:192.0.2.128',
    '1::',
    'FE80::A:B',
  ])('IP address %s', (ip) => {
    expect(redact(`from ${ip}, again`)).toBe('from [IP_ADDRESS], again');
  });

  it('keeps ports, zones and prefixes outside the address', () => {
    expect(redact('10.0.0.1:8080 fe80::1%eth0 [2001:db8::1]:443 10.0.0.0/8')).toBe(
      '[IP_ADDRESS]:8080 [IP_ADDRESS]%eth0 [[IP_ADDRESS]]:443 [IP_ADDRESS]/8',
    );
  });

  it.each([
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    'v1.2.3.4',
    '01.02.03.04',
    '12:30:45',
    'std::vector',
    'a::b::c',
    '1:2:3:4:5:6:7:8:9',
    '00:1A:2B:3C:4D:5E',
  ])('no IP address in %s', (text) => {
    expect(redact(text)).toBe(text);
  });

  it.each([
    ['OpenAI project key', 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z'],
    ['OpenAI legacy key', 'sk-T3BlbkFJabcdefghijklmnopqrstuvwxyz0123456789AB'],
    ['Slipway key', 'sk-slw-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AB'],
    ['AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['GitHub token', 'ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789a'],
    ['GitHub fine-grained token', 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz'],
    ['Slack token', 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp'],
    ['JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'],
  ])('%s', (_, secret) => {
    expect(redact(`key ${secret} here`)).toBe('key [SECRET] here');
  });

  it('keeps the label of a labelled secret and replaces only the secret', () => {
    expect(redact('Authorization: Bearer abcDEF123456789xyz')).toBe('Authorization: Bearer [SECRET]');
    expect(redact('Authorization: Basic dXNlcjpwYXNzd29yZA==')).toBe('Authorization: Basic [SECRET]');
    expect(redact('postgres://admin:pa55word@db:5432/app')).toBe('postgres://admin:[SECRET]@db:5432/app');
    // With a dotted host, `pa55word@db.internal` is also an e-mail address; the overlap goes as one region.
    expect(redact('postgres://admin:pa55word@db.internal:5432/app')).toBe(
      'postgres://admin:[SECRET]:5432/app',
    );
    expect(redact('password=hunter22 next')).toBe('password=[SECRET] next');
    expect(redact('DB_PASSWORD = "correct horse battery"')).toBe('DB_PASSWORD = "[SECRET]"');
    expect(redact("api_key: 'abc123'")).toBe("api_key: '[SECRET]'");
    expect(redact('{"access_token":"tok_123"}')).toBe('{"access_token":"[SECRET]"}');
    expect(redact('X-Api-Key: abc123def')).toBe('X-Api-Key: [SECRET]');
    expect(redact('https://x.test/?client_secret=s3cr3t&page=2')).toBe(
      'https://x.test/?client_secret=[SECRET]&page=2',
    );
  });

  it('replaces private key blocks, whole or cut off', () => {
    const block = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nq8w==\n-----END RSA PRIVATE KEY-----';
    expect(redact(`key:\n${block}\nend`)).toBe('key:\n[SECRET]\nend');
    expect(redact('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQ')).toBe('[SECRET]');
  });

  it.each([
    'sk-learn-compatible-estimators',
    'the Bearer instrument was signed',
    'max_tokens: 512',
    '"prompt_tokens": 12',
    'tokenizer: cl100k_base',
    'password: ok',
    'AKIA is a prefix',
    'eyJhbGciOiJIUzI1NiJ9 alone',
  ])('no secret in %s', (text) => {
    expect(redact(text)).toBe(text);
  });
});

describe('redactText: counts, overlaps, idempotence', () => {
  it('counts each replacement by entity and omits entities not found', () => {
    const result = all.redactText('a@b.io c@d.io 4111 1111 1111 1111 10.0.0.1');
    expect(result.counts).toEqual({ email: 2, payment_card: 1, ip_address: 1 });
    expect(all.redactText('nothing here').counts).toEqual({});
  });

  it('names an overlap after the most specific entity and removes all of it', () => {
    expect(all.redactText('password=bob@example.com').text).toBe('password=[SECRET]');
    expect(all.redactText('api_key=4111111111111111').counts).toEqual({ secret: 1 });
    // The international phone pattern runs on into the card; both are gone, named after the card.
    const merged = all.redactText('+1 415 555 2671 4111 1111 1111 1111');
    expect(merged).toEqual({ text: '[PAYMENT_CARD]', counts: { payment_card: 1 } });
  });

  it('leaves its own masks alone', () => {
    const masks = Object.values(PII_MASKS).join(' ');
    expect(redact(masks)).toBe(masks);
    const once = redact('password=hunter22 Bearer abcDEF123456789xyz postgres://u:p4ss@h/db');
    expect(redact(once)).toBe(once);
    expect(all.redactText(once).counts).toEqual({});
  });

  it('returns the text unchanged when no entity is enabled', () => {
    const none = createRedactor({ entities: [] });
    expect(none.redactText('bob@example.com 4111111111111111')).toEqual({
      text: 'bob@example.com 4111111111111111',
      counts: {},
    });
  });

  it('rejects an entity outside the closed list', () => {
    expect(() => createRedactor({ entities: ['name' as PiiEntity] })).toThrow(SlipwayError);
  });
});

describe('disabled entities', () => {
  const samples: Record<PiiEntity, string> = {
    email: 'bob@example.com',
    phone: '+44 20 7946 0958',
    payment_card: '4111 1111 1111 1111',
    iban: 'DE89 3704 0044 0532 0130 00',
    us_ssn: '123-45-6789',
    uk_nino: 'AB 12 34 56 C',
    ip_address: '192.168.1.1',
    secret: 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z',
  };

  it.each(PII_ENTITIES)('leaves %s untouched when it is not enabled', (entity) => {
    const text = `see ${samples[entity]} here`;
    const others = createRedactor({ entities: PII_ENTITIES.filter((other) => other !== entity) });
    expect(others.redactText(text)).toEqual({ text, counts: {} });
    const only = createRedactor({ entities: [entity] });
    expect(only.redactText(text)).toEqual({
      text: `see ${PII_MASKS[entity]} here`,
      counts: { [entity]: 1 },
    });
  });

  it('keeps credential-named fields when secrets are not enabled', () => {
    const emailOnly = createRedactor({ entities: ['email'] });
    expect(emailOnly.redactValue({ password: 'hunter22' }).value).toEqual({ password: 'hunter22' });
  });
});

describe('redactValue', () => {
  function deepFreeze<T>(value: T): T {
    if (typeof value === 'object' && value !== null) {
      for (const item of Object.values(value)) deepFreeze(item);
      Object.freeze(value);
    }
    return value;
  }

  it('redacts every string in a JSON-like value, keeps keys and other primitives, and counts across it', () => {
    const request = deepFreeze({
      model: 'gpt-4o',
      max_tokens: 512,
      stream: false,
      user: null,
      messages: [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: 'I am bob@example.com, card 4111 1111 1111 1111' },
      ],
      metadata: { 'bob@example.com': 'from 10.0.0.1', tags: ['a@b.io', 7, true] },
    });
    const before = structuredClone(request);
    const { value, counts } = all.redactValue(request);
    expect(value).toEqual({
      model: 'gpt-4o',
      max_tokens: 512,
      stream: false,
      user: null,
      messages: [
        { role: 'system', content: 'You are helpful.' },
        { role: 'user', content: 'I am [EMAIL], card [PAYMENT_CARD]' },
      ],
      metadata: { 'bob@example.com': 'from [IP_ADDRESS]', tags: ['[EMAIL]', 7, true] },
    });
    expect(counts).toEqual({ email: 2, payment_card: 1, ip_address: 1 });
    expect(request).toEqual(before);
  });

  it('replaces whole strings under credential-named keys, at any depth below them', () => {
    const { value, counts } = all.redactValue({
      password: 'hunter2',
      OPENAI_API_KEY: 'anything',
      credentials: { user: 'bob', pass: 'x' },
      clientSecret: '',
      max_tokens: 100,
      token_count: 'abc',
    });
    expect(value).toEqual({
      password: '[SECRET]',
      OPENAI_API_KEY: '[SECRET]',
      credentials: { user: '[SECRET]', pass: '[SECRET]' },
      clientSecret: '',
      max_tokens: 100,
      token_count: 'abc',
    });
    expect(counts).toEqual({ secret: 4 });
    expect(all.redactValue(value)).toEqual({ value, counts: {} });
  });

  it('passes primitives through and redacts a bare string', () => {
    expect(all.redactValue(42)).toEqual({ value: 42, counts: {} });
    expect(all.redactValue(undefined)).toEqual({ value: undefined, counts: {} });
    expect(all.redactValue('mail a@b.io')).toEqual({ value: 'mail [EMAIL]', counts: { email: 1 } });
  });

  it('keeps a __proto__ key from parsed JSON as a key', () => {
    const parsed: unknown = JSON.parse('{"__proto__": "a@b.io"}');
    const { value } = all.redactValue(parsed);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(JSON.stringify(value)).toBe('{"__proto__":"[EMAIL]"}');
  });
});

describe('adversarial input', () => {
  // Redaction runs on every stored record, so no input may make it slow: each case below made some earlier
  // pattern backtrack through every split of a digit run, rescan the rest of the text per candidate, or loop. At
  // 200 KB each takes well under 200 ms here; the budget only catches super-linear blow-ups, which take minutes.
  const size = 200_000;
  const fill = (unit: string): string => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
  it.each([
    ['digit groups', fill('1 ')],
    ['phone-like groups after a plus', fill('+1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7a ')],
    ['trunk-prefixed groups', fill('0 12 ')],
    ['BEGIN lines without END', fill('-----BEGIN PRIVATE KEY-----\nabc ')],
    ['at signs and dots', `a@${fill('a.')}`],
    ['a long local part', `${fill('a')}@`],
    ['colons', fill(':')],
    ['hex and colons', fill('a:')],
    ['open quotes after a credential name', fill('password:"')],
    ['IBAN heads', fill('SE94 0049 ')],
    ['JWT heads', fill('eyJaaaaa.')],
  ])('stays linear on %s', (_, text) => {
    const started = performance.now();
    all.redactText(text);
    expect(performance.now() - started).toBeLessThan(2500);
  });
});
