import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  parseBaseUrl,
  parseInstant,
  parseNameList,
  parsePositiveInteger,
  parseUsdAmount,
} from './option-parsers.js';

const NOW = Date.UTC(2025, 0, 31, 12, 0, 0);

describe('option parsers', () => {
  it('reads positive whole numbers and rejects anything else', () => {
    expect(parsePositiveInteger('60')).toBe(60);
    for (const text of ['0', '-1', '1.5', 'ten', '', '1e3']) {
      expect(() => parsePositiveInteger(text), text).toThrow(InvalidArgumentError);
    }
  });

  it('reads USD amounts above zero', () => {
    expect(parseUsdAmount('2.50')).toBe(2.5);
    expect(parseUsdAmount('25')).toBe(25);
    for (const text of ['0', '-3', '$5', 'free', '']) {
      expect(() => parseUsdAmount(text), text).toThrow(InvalidArgumentError);
    }
  });

  it('splits comma-separated names, dropping blanks', () => {
    expect(parseNameList('gpt-4o, local/qwen ,,')).toEqual(['gpt-4o', 'local/qwen']);
    expect(() => parseNameList(' , ')).toThrow(InvalidArgumentError);
  });

  it('accepts http and https URLs only', () => {
    expect(parseBaseUrl('https://gateway.example/slipway')).toBe('https://gateway.example/slipway');
    expect(() => parseBaseUrl('gateway:8080')).toThrow(InvalidArgumentError);
    expect(() => parseBaseUrl('not a url')).toThrow(InvalidArgumentError);
  });

  it('reads an instant as a duration back from now', () => {
    expect(parseInstant('1h', NOW)).toBe(NOW - 3_600_000);
    expect(parseInstant('2d', NOW)).toBe(NOW - 172_800_000);
  });

  it('reads an instant as an ISO date, UTC unless a zone is given', () => {
    expect(parseInstant('2025-01-30', NOW)).toBe(Date.UTC(2025, 0, 30));
    expect(parseInstant('2025-01-30T08:15', NOW)).toBe(Date.UTC(2025, 0, 30, 8, 15));
    expect(parseInstant('2025-01-30 08:15:30', NOW)).toBe(Date.UTC(2025, 0, 30, 8, 15, 30));
    expect(parseInstant('2025-01-30T08:15:00+01:00', NOW)).toBe(Date.UTC(2025, 0, 30, 7, 15));
  });

  it('rejects an instant that is neither', () => {
    for (const text of ['yesterday', '2025-13-45', '1714000000000', '']) {
      expect(() => parseInstant(text, NOW), text).toThrow(InvalidArgumentError);
    }
  });
});
