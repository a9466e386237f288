import type { Principal } from '../core/access/principal.js';
import { SlipwayError } from '../core/errors.js';
import type { Caller } from '../core/identity.js';
import type { EndUserDirectory } from '../ports/end-user-directory.js';
import type { TokenVerifier } from '../ports/token-verifier.js';

/** What a request says about who it runs for. */
export interface PrincipalFacts {
  caller: Pick<Caller, 'keyId' | 'actAsEndUser'>;
  /** The end user's own token (header `x-slipway-end-user-token`), if sent. */
  endUserToken: string | null;
  /** The end user the request names (OpenAI's `user` field or header `x-slipway-end-user`), if any. */
  namedEndUser: string | null;
}

/** Who a request runs for, and how that was decided (for the audit log). */
export interface ResolvedPrincipal {
  principal: Principal;
  /** `token`: a verified end-user token; `directory`: a key allowed to name end users named one. */
  source: 'token' | 'directory' | 'anonymous';
  /** An end user the request named with a key that may not name one: not trusted, kept for the audit. */
  untrustedEndUser: string | null;
}

export type ResolvePrincipal = (facts: PrincipalFacts) => Promise<ResolvedPrincipal>;

const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous' });

/**
 * Decides who a request runs for, failing closed:
 * 1. an end-user token wins: it must verify (else `unauthorized`), and without a configured verifier it is
 *    refused (`unauthorized`) rather than ignored;
 * 2. else a key with the `actAsEndUser` permission that names an end user gets that user's directory entry; an
 *    unknown or disabled end user is refused (`forbidden`), never treated as anonymous, so that a typo or a
 *    removed person shows up as an error instead of silently narrowed answers;
 * 3. a key without the permission that names an end user is not believed: the request runs anonymous (public
 *    documents only) and the name is reported as untrusted;
 * 4. nothing named: anonymous.
 * @example const { principal } = await resolvePrincipal({ caller, endUserToken: null, namedEndUser: 'u-42' });
 */
export function makeResolvePrincipal(deps: {
  verifier: TokenVerifier | null;
  directory: Pick<EndUserDirectory, 'getEndUser'>;
}): ResolvePrincipal {
  return async ({ caller, endUserToken, namedEndUser }) => {
    if (endUserToken !== null) {
      if (deps.verifier === null) {
        throw new SlipwayError(
          'unauthorized',
          'End-user tokens are not accepted here: configure identity.jwt to verify them.',
        );
      }
      const principal = await deps.verifier.verifyEndUserToken(endUserToken);
      return { principal, source: 'token', untrustedEndUser: null };
    }
    if (namedEndUser === null || namedEndUser === '') {
      return { principal: ANONYMOUS, source: 'anonymous', untrustedEndUser: null };
    }
    if (caller.actAsEndUser !== true) {
      return { principal: ANONYMOUS, source: 'anonymous', untrustedEndUser: namedEndUser };
    }
    const entry = await deps.directory.getEndUser(namedEndUser);
    if (entry === null) {
      throw new SlipwayError(
        'forbidden',
        `Unknown end user "${namedEndUser}": add them to the directory first.`,
        {
          param: 'user',
        },
      );
    }
    if (entry.disabled) {
      throw new SlipwayError('forbidden', `End user "${namedEndUser}" is disabled.`, { param: 'user' });
    }
    return {
      principal: {
        kind: 'end_user',
        userId: entry.id,
        groups: entry.groups,
        roles: entry.roles,
        clearance: entry.clearance,
      },
      source: 'directory',
      untrustedEndUser: null,
    };
  };
}
