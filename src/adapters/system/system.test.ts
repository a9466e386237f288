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

  it('digests deterministically and compares in constant time', () => {
    const a = sha256SecretHasher.digest('sk-slw-x');
    expect(a).toBe(sha256SecretHasher.digest('sk-slw-x'));
    expect(a).toHaveLength(64);
    expect(sha256SecretHasher.equal(a, sha256SecretHasher.digest('sk-slw-x'))).toBe(true);
    expect(sha256SecretHasher.equal(a, sha256SecretHasher.digest('sk-slw-y'))).toBe(false);
    expect(sha256SecretHasher.equal(a, 'short')).toBe(false);
  });
});
