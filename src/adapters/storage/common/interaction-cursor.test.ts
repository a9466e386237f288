import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../../../core/errors.js';
import { encodeInteractionCursor, parseInteractionCursor } from './interaction-cursor.js';

describe('interaction cursor', () => {
  it('parses back what it encoded, whatever the id', () => {
    fc.assert(
      // Whole graphemes: ids are well-formed text, and a lone surrogate has no UTF-8 form to carry.
      fc.property(
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.string({ unit: 'grapheme', minLength: 1 }),
        (startedAt, id) => {
          const cursor = encodeInteractionCursor({ startedAt, id });
          expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
          expect(parseInteractionCursor(cursor)).toEqual({ startedAt, id });
        },
      ),
    );
  });

  it('throws invalid_request on the cursor param for anything else', () => {
    const encoded = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    for (const cursor of [
      '',
      '***',
      encoded('1700000000000'),
      encoded('-1:int_1'),
      encoded('01:int_1'),
      encoded('1:'),
    ]) {
      let error: unknown;
      try {
        parseInteractionCursor(cursor);
      } catch (thrown) {
        error = thrown;
      }
      expect(error, cursor).toBeInstanceOf(SlipwayError);
      expect(error).toMatchObject({ code: 'invalid_request', param: 'cursor' });
    }
  });
});
