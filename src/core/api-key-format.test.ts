import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayPrefixOf, formatApiKey, isWellFormedApiKey } from './api-key-format.js';

describe('api key format', () => {
  it('formats keys that validate, with the recognisable prefix', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const key = formatApiKey(bytes);
        expect(key).toMatch(/^sk-slw-[0-9A-Za-z]{38}$/);
        expect(isWellFormedApiKey(key)).toBe(true);
      }),
    );
  });

  it('rejects a key with any one character changed', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 7, max: 44 }),
        fc.constantFrom(...'0123456789abcXYZ'),
        (bytes, position, replacement) => {
          const key = formatApiKey(bytes);
          fc.pre(key[position] !== replacement);
          const changed = key.slice(0, position) + replacement + key.slice(position + 1);
          expect(isWellFormedApiKey(changed)).toBe(false);
        },
      ),
    );
  });

  it('rejects other shapes and shows only a prefix', () => {
    expect(isWellFormedApiKey('sk-abc')).toBe(false);
    expect(isWellFormedApiKey('')).toBe(false);
    expect(() => formatApiKey(new Uint8Array(8))).toThrow(RangeError);
    const key = formatApiKey(new Uint8Array(32).fill(7));
    expect(displayPrefixOf(key)).toBe(`${key.slice(0, 13)}…`);
  });
});
