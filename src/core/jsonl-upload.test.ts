import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_LISTED_LINE_ERRORS, safeParseJsonlUpload } from './jsonl-upload.js';

describe('safeParseJsonlUpload', () => {
  it('keeps non-blank lines with their line numbers, CRLF and blank lines included', () => {
    expect(safeParseJsonlUpload('{"a":1}\r\n\n  \n{"b":2}\n')).toEqual({
      ok: true,
      lines: [
        { lineNo: 1, text: '{"a":1}' },
        { lineNo: 4, text: '{"b":2}' },
      ],
    });
  });

  it('lists every line that is not a JSON object, by number', () => {
    expect(safeParseJsonlUpload('{"a":1}\nnope\n[1]\n{"b":\n')).toEqual({
      ok: false,
      errorCount: 3,
      errors: [
        { line: 2, message: 'not valid JSON' },
        { line: 3, message: 'not a JSON object' },
        { line: 4, message: 'not valid JSON' },
      ],
    });
  });

  it('rejects a file without lines', () => {
    expect(safeParseJsonlUpload('\n\n')).toMatchObject({ ok: false, errors: [{ line: 1 }] });
  });

  it(`lists at most ${MAX_LISTED_LINE_ERRORS} errors but counts them all`, () => {
    const parsed = safeParseJsonlUpload('x\n'.repeat(50));
    expect(parsed).toMatchObject({ ok: false, errorCount: 50 });
    expect(parsed.ok ? [] : parsed.errors).toHaveLength(MAX_LISTED_LINE_ERRORS);
  });

  it('accepts any text or rejects it with numbered errors, never throwing', () => {
    const line = fc.oneof(fc.string(), fc.json(), fc.constant(''), fc.constant('{"custom_id":"x"}'));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.boolean(), (lines, crlf) => {
        const text = lines.join(crlf ? '\r\n' : '\n');
        const lineCount = text.split('\n').length;
        const parsed = safeParseJsonlUpload(text);
        if (parsed.ok) {
          expect(parsed.lines.length).toBeGreaterThan(0);
          for (const kept of parsed.lines) {
            expect(kept.lineNo).toBeGreaterThanOrEqual(1);
            expect(kept.lineNo).toBeLessThanOrEqual(lineCount);
            expect(typeof JSON.parse(kept.text)).toBe('object');
          }
        } else {
          expect(parsed.errors.length).toBeGreaterThan(0);
          expect(parsed.errors.length).toBeLessThanOrEqual(MAX_LISTED_LINE_ERRORS);
          expect(parsed.errorCount).toBeGreaterThanOrEqual(parsed.errors.length);
          for (const error of parsed.errors) {
            expect(error.line).toBeGreaterThanOrEqual(1);
            expect(error.line).toBeLessThanOrEqual(lineCount);
          }
        }
      }),
    );
  });
});
