import { CommanderError } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDuration } from './parse-duration.js';

const UNITS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
type Unit = keyof typeof UNITS;

/** True when parsing throws the error commander reports as a usage error. */
function failsAsUsageError(text: string): boolean {
  try {
    parseDuration(text);
    return false;
  } catch (error) {
    return error instanceof CommanderError && error.code === 'commander.invalidArgument';
  }
}

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['1h30m', 5_400_000],
    [' 15m ', 900_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('reads any sequence of number-unit parts as the sum of its parts', () => {
    const part = fc.record({
      amount: fc.integer({ min: 0, max: 10_000 }),
      unit: fc.constantFrom(...(Object.keys(UNITS) as Unit[])),
    });
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 5 }), (parts) => {
        const text = parts.map(({ amount, unit }) => `${amount}${unit}`).join('');
        const expected = parts.reduce((total, { amount, unit }) => total + amount * UNITS[unit], 0);
        expect(parseDuration(text)).toBe(expected);
      }),
    );
  });

  it.each(['', '1', 'h', '1x', '1.5h', '-1h', '1h ago', 'one hour', '1 h', '1hh'])(
    'rejects %j as a usage error',
    (text) => {
      expect(failsAsUsageError(text)).toBe(true);
    },
  );

  it('rejects any text that is not number-unit parts as a usage error', () => {
    const valid = /^(\d+(ms|s|m|h|d|w))+$/;
    fc.assert(
      fc.property(
        fc.string().filter((text) => !valid.test(text.trim())),
        (text) => {
          expect(failsAsUsageError(text)).toBe(true);
        },
      ),
    );
  });

  it('rejects durations too long to count in ms exactly', () => {
    expect(() => parseDuration('99999999999999999w')).toThrow(/too long/);
  });
});
