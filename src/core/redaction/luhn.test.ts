import { describe, expect, it } from 'vitest';
import { isLuhnValid } from './luhn.js';

describe('isLuhnValid', () => {
  it.each(['4111111111111111', '378282246310005', '6011111111111117', '79927398713', '0'])(
    'accepts %s',
    (digits) => {
      expect(isLuhnValid(digits)).toBe(true);
    },
  );

  it.each(['4111111111111112', '79927398710', '', '4111-1111', '411111111111111a'])(
    'rejects %s',
    (digits) => {
      expect(isLuhnValid(digits)).toBe(false);
    },
  );

  it('catches every single-digit change of a valid number', () => {
    const valid = '4539578763621486';
    for (let i = 0; i < valid.length; i++) {
      for (let digit = 0; digit <= 9; digit++) {
        const changed = valid.slice(0, i) + String(digit) + valid.slice(i + 1);
        if (changed !== valid) expect(isLuhnValid(changed)).toBe(false);
      }
    }
  });
});
