import { createHmac } from 'node:crypto';

/**
 * The hash an erasure record keeps instead of the end user's id: HMAC-SHA-256 under the installation's key (hex),
 * so that the id can be checked against the record later but not read back from it, nor guessed from a list of
 * likely ids without the key (docs/decisions/2026-12-04-erasure-record.md).
 *
 * @example erasureSubjectHash({ keyHex: secret, endUser: 'user-42' }) // '5f0c…' (64 hex digits)
 */
export function erasureSubjectHash(options: { keyHex: string; endUser: string }): string {
  return createHmac('sha256', Buffer.from(options.keyHex, 'hex'))
    .update(options.endUser, 'utf8')
    .digest('hex');
}
