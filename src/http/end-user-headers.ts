import type { IncomingHttpHeaders } from 'node:http';
import type { Caller } from '../core/identity.js';
import type { PrincipalFacts } from '../services/resolve-principal.js';

/** The end user's own token from their identity provider (a JWT), verified against `identity.jwt`. */
const END_USER_TOKEN_HEADER = 'x-slipway-end-user-token';
/** The end user a key with `actAsEndUser` names, when the request body has no OpenAI `user` field. */
const END_USER_HEADER = 'x-slipway-end-user';

function headerText(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text.trim() === '' ? null : text.trim();
}

/**
 * What a request says about its end user: the token header, and the name from OpenAI's `user` field (preferred)
 * or the end-user header. Retrieval routes pass the result to `resolvePrincipal`.
 * @example const facts = principalFactsOf(caller, request.headers, body.user);
 */
export function principalFactsOf(
  caller: Pick<Caller, 'keyId' | 'actAsEndUser'>,
  headers: IncomingHttpHeaders,
  bodyUser: string | null | undefined,
): PrincipalFacts {
  return {
    caller,
    endUserToken: headerText(headers, END_USER_TOKEN_HEADER),
    namedEndUser:
      typeof bodyUser === 'string' && bodyUser !== '' ? bodyUser : headerText(headers, END_USER_HEADER),
  };
}
