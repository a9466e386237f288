import { describe, expect, it } from 'vitest';
import { toPostgresCopyText } from './postgres-copy-text.js';

describe('toPostgresCopyText', () => {
  it('writes one tab-separated line per row, values in column order', () => {
    const rows = [
      { id: 'a', count: 3, flag: 1 },
      { id: 'b', count: 0, flag: 0 },
    ];
    expect(toPostgresCopyText(rows, ['flag', 'id', 'count'])).toBe('1\ta\t3\n0\tb\t0\n');
  });

  it('writes null and undefined as \\N, and an empty string as an empty field', () => {
    const rows = [{ first: null, second: '', third: undefined, fourth: 'x' }];
    expect(toPostgresCopyText(rows, ['first', 'second', 'third', 'fourth'])).toBe('\\N\t\t\\N\tx\n');
  });

  it('escapes backslashes and the row and column separators, so that no text is read as a marker', () => {
    const rows = [{ text: 'tab\there\nline\rreturn \\N \\. C:\\path' }];
    expect(toPostgresCopyText(rows, ['text'])).toBe('tab\\there\\nline\\rreturn \\\\N \\\\. C:\\\\path\n');
  });

  it('writes numbers as pg binds them', () => {
    const rows = [{ small: 0.0000315, large: 253_402_300_799_999, negative: -12, tiny: 1e-7 }];
    expect(toPostgresCopyText(rows, ['small', 'large', 'negative', 'tiny'])).toBe(
      '0.0000315\t253402300799999\t-12\t1e-7\n',
    );
  });

  it('keeps JSON text as it is, but for its backslashes', () => {
    const json = JSON.stringify({ quote: '"', newline: '\n', emoji: '🚀' });
    expect(toPostgresCopyText([{ json }], ['json'])).toBe(`${json.replaceAll('\\', '\\\\')}\n`);
  });

  it('writes nothing for no rows', () => {
    expect(toPostgresCopyText([], [])).toBe('');
  });
});
