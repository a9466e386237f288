import { describe, expect, it } from 'vitest';
import { quoteForReport } from './quote-for-report.js';

describe('quoteForReport', () => {
  it('quotes short texts whole, on one line', () => {
    expect(quoteForReport('refund')).toBe("'refund'");
    expect(quoteForReport('a\r\nb')).toBe("'a\\r\\nb'");
  });

  it('cuts long texts after 80 characters without splitting a character', () => {
    const quoted = quoteForReport(`${'é'.repeat(79)}👍👍`);
    expect(quoted).toBe(`'${'é'.repeat(79)}👍…' (truncated)`);
  });
});
