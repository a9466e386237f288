import type { IncomingHttpHeaders } from 'node:http';

/** The secret of `Authorization: Bearer <secret>`, or of `api-key` (Azure-style clients); null when absent. */
export function bearerTokenOf(headers: IncomingHttpHeaders): string | null {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1] ?? null;
  }
  const apiKey = headers['api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey : null;
}
