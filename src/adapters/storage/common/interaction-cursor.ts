import { SlipwayError } from '../../../core/errors.js';
import type { InteractionSort } from '../../../ports/interaction-store.js';

/**
 * The position of the last item of a page in the listing order: the sort key (`startedAt`, `costUsd` or
 * `latencyMs`, descending) then `id` descending.
 */
export interface InteractionCursor {
  sort: InteractionSort;
  key: number;
  id: string;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
// The sort's name leads, except for `recent`, whose cursors keep the form they had before other sorts existed.
const CURSOR_TEXT = /^(?:(cost|latency):)?([^:]+):(.+)$/s;

/** Opaque to clients: base64url of `[sort:]key:id`. */
export function encodeInteractionCursor(cursor: InteractionCursor): string {
  const sort = cursor.sort === 'recent' ? '' : `${cursor.sort}:`;
  return Buffer.from(`${sort}${cursor.key}:${cursor.id}`, 'utf8').toString('base64url');
}

/**
 * Throws `invalid_request` (param `cursor`) for anything `encodeInteractionCursor` cannot have produced, and for
 * a cursor of a listing in another order than `sort`: its position means nothing there.
 */
export function parseInteractionCursor(cursor: string, sort: InteractionSort): InteractionCursor {
  const match = BASE64URL.test(cursor)
    ? CURSOR_TEXT.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
    : null;
  const cursorSort: InteractionSort = match?.[1] === 'cost' || match?.[1] === 'latency' ? match[1] : 'recent';
  const key = Number(match?.[2]);
  const id = match?.[3];
  const valid =
    id !== undefined &&
    Number.isFinite(key) &&
    key >= 0 &&
    (cursorSort === 'cost' || Number.isSafeInteger(key)) &&
    encodeInteractionCursor({ sort: cursorSort, key, id }) === cursor;
  if (!valid) throw new SlipwayError('invalid_request', 'Malformed cursor', { param: 'cursor' });
  if (cursorSort !== sort) {
    throw new SlipwayError(
      'invalid_request',
      `This cursor continues a listing sorted by ${cursorSort}, not by ${sort}`,
      { param: 'cursor' },
    );
  }
  return { sort, key, id };
}
