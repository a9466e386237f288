import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlipwayError } from '../../../core/errors.js';
import type { InteractionSort } from '../../../ports/interaction-store.js';
import { encodeInteractionCursor, parseInteractionCursor } from './interaction-cursor.js';

const SORTS: readonly InteractionSort[] = ['recent', 'cost', 'latency'];

function errorOf(action: () => unknown): unknown {
  try {
    action();
  } catch (thrown) {
    return thrown;
  }
  return undefined;
}

describe('interaction cursor', () => {
  it('parses back what it encoded, whatever the sort, key and id', () => {
    fc.assert(
      // Whole graphemes: ids are well-formed text, and a lone surrogate has no UTF-8 form to carry.
      fc.property(
        fc.constantFrom(...SORTS),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.string({ unit: 'grapheme', minLength: 1 }),
        (sort, integer, cost, id) => {
          const key = sort === 'cost' ? cost : integer;
          const cursor = encodeInteractionCursor({ sort, key, id });
          expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
          expect(parseInteractionCursor(cursor, sort)).toEqual({ sort, key: key === 0 ? 0 : key, id });
        },
      ),
    );
  });

  it('keeps the form of cursors made before other sorts existed', () => {
    const before = Buffer.from('1700000000000:int_1', 'utf8').toString('base64url');
    expect(parseInteractionCursor(before, 'recent')).toEqual({
      sort: 'recent',
      key: 1_700_000_000_000,
      id: 'int_1',
    });
  });

  it('refuses a cursor of another sort', () => {
    for (const sort of SORTS) {
      const cursor = encodeInteractionCursor({ sort, key: 12, id: 'int_1' });
      for (const other of SORTS.filter((candidate) => candidate !== sort)) {
        const error = errorOf(() => parseInteractionCursor(cursor, other));
        expect(error).toBeInstanceOf(SlipwayError);
        expect(error).toMatchObject({ code: 'invalid_request', param: 'cursor' });
        expect((error as Error).message).toContain(`sorted by ${sort}`);
      }
    }
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
      encoded('latency:1.5:int_1'),
      encoded('cost:NaN:int_1'),
      encoded('cost:-0.5:int_1'),
      encoded('cost:1e400:int_1'),
      encoded('size:1:int_1'),
    ]) {
      const error = errorOf(() => parseInteractionCursor(cursor, 'recent'));
      const other = errorOf(() => parseInteractionCursor(cursor, 'cost'));
      expect(error, cursor).toBeInstanceOf(SlipwayError);
      expect(error).toMatchObject({ code: 'invalid_request', param: 'cursor' });
      expect(other, cursor).toMatchObject({ code: 'invalid_request', param: 'cursor' });
    }
  });
});
