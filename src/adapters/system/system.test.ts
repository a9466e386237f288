import { describe, expect, it } from 'vitest';
import { createCryptoRandom, sha256SecretHasher } from './index.js';

describe('system adapters', () => {
  it('makes unique, prefixed, time-sortable ids', () => {
    const random = createCryptoRandom();
    const ids = Array.from({ length: 5000 }, () => random.id('int'));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toMatch(/^int_[0-9a-z]{19}$/);
    const sorted = [...ids].sort((a, b) => a.slice(4, 13).localeCompare(b.slice(4, 13)));
    expect(sorted.map((id) => id.slice(4, 13))).toEqual(ids.map((id) => id.slice(4, 13)));
  });

  it('never hands out the same pooled bytes twice, across refills and for any length', () => {
    const random = createCryptoRandom();
    const taken = Array.from({ length: 2_000 }, (_, i) => random.bytes(1 + (i % 40)));
    const later = random.bytes(16);
    expect(taken.every((bytes, i) => bytes.length === 1 + (i % 40))).toBe(true);
    // 16-byte draws that repeated the pool's contents would collide; 128 random bits never do.
    const keys = new Set(
      taken.filter((bytes) => bytes.length >= 16).map((bytes) => Buffer.from(bytes).toString('hex')),
    );
    expect(keys.size).toBe(taken.filter((bytes) => bytes.length >= 16).length);
    // A caller's bytes are its own: a refill of the pool does not rewrite them.
    const before = Buffer.from(later).toString('hex');
    random.bytes(8_192);
    for (let i = 0; i < 300; i++) random.bytes(32);
    expect(Buffer.from(later).toString('hex')).toBe(before);
    expect(random.bytes(10_000)).toHaveLength(10_000);
  });

  it('digests deterministically and compares in constant time', () => {
    const a = sha256SecretHasher.digest('sk-slw-x');
    expect(a).toBe(sha256SecretHasher.digest('sk-slw-x'));
    expect(a).toHaveLength(64);
    expect(sha256SecretHasher.equal(a, sha256SecretHasher.digest('sk-slw-x'))).toBe(true);
    expect(sha256SecretHasher.equal(a, sha256SecretHasher.digest('sk-slw-y'))).toBe(false);
    expect(sha256SecretHasher.equal(a, 'short')).toBe(false);
  });
});
