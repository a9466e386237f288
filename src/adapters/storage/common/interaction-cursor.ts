import { SlipwayError } from '../../../core/errors.js';

/** The position of the last item of a page in the listing order (`startedAt` desc, `id` desc). */
export interface InteractionCursor {
  startedAt: number;
  id: string;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const CURSOR_TEXT = /^(0|[1-9][0-9]*):(.+)$/s;

/** Opaque to clients: base64url of `startedAt:id`. */
export function encodeInteractionCursor(cursor: InteractionCursor): string {
  return Buffer.from(`${cursor.startedAt}:${cursor.id}`, 'utf8').toString('base64url');
}

/** Throws `invalid_request` (param `cursor`) for anything `encodeInteractionCursor` cannot have produced. */
export function parseInteractionCursor(cursor: string): InteractionCursor {
  const match = BASE64URL.test(cursor)
    ? CURSOR_TEXT.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
    : null;
  const startedAt = Number(match?.[1]);
  const id = match?.[2];
  if (
    id === undefined ||
    !Number.isSafeInteger(startedAt) ||
    encodeInteractionCursor({ startedAt, id }) !== cursor
  ) {
    throw new SlipwayError('invalid_request', 'Malformed cursor', { param: 'cursor' });
  }
  return { startedAt, id };
}
