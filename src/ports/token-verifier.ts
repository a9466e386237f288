import type { EndUserPrincipal } from '../core/access/principal.js';

/**
 * Verifies an end user's own token from the company's identity provider and says who it names.
 *
 * Contract: the signature is checked before any claim is read, with keys only from the configured key set and
 * algorithms only from the configured allowlist; expiry, not-before, issuer and audience are checked. A token
 * that fails any check throws `unauthorized` with a message saying which check failed, never echoing the token;
 * a key set that cannot be fetched throws `upstream_unavailable`.
 * @example const principal = await verifier.verifyEndUserToken(request.headers['x-slipway-end-user-token']);
 */
export interface TokenVerifier {
  verifyEndUserToken(token: string): Promise<EndUserPrincipal>;
}
