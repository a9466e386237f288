import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import type { ClassificationLevels } from '../../core/access/classification-levels.js';
import type { EndUserPrincipal } from '../../core/access/principal.js';
import { type EndUserClaimNames, principalOfClaims } from '../../core/end-user-claims.js';
import { SlipwayError } from '../../core/errors.js';
import type { TokenVerifier } from '../../ports/token-verifier.js';

export interface JoseTokenVerifierOptions {
  issuer: string;
  audience: string | readonly string[];
  /** Exactly one of `jwksUrl` and `jwks`. */
  jwksUrl: string | null;
  jwks: { keys: ReadonlyArray<Record<string, unknown>> } | null;
  /** Asymmetric algorithms only; the configuration schema refuses HS* and `none`. */
  algorithms: readonly string[];
  clockToleranceSec: number;
  claims: EndUserClaimNames;
  levels: ClassificationLevels;
  /** How long a fetch of the remote key set may take. */
  jwksTimeoutMs?: number;
}

const DEFAULT_JWKS_TIMEOUT_MS = 5_000;
/** A token far longer than any identity provider issues is refused before it is parsed. */
const MAX_TOKEN_CHARS = 16_384;

function refuse(reason: string, cause: unknown): SlipwayError {
  return new SlipwayError('unauthorized', `End-user token refused: ${reason}.`, { cause });
}

/** Says which check failed, in words, and never repeats the token or its claims' values. */
function explain(error: unknown, options: JoseTokenVerifierOptions): SlipwayError {
  if (error instanceof errors.JWTExpired) return refuse('it has expired', error);
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return refuse(`wrong issuer (expected "${options.issuer}")`, error);
      case 'aud':
        return refuse('wrong audience', error);
      case 'nbf':
        return refuse('it is not valid yet (nbf)', error);
      default:
        return refuse(`claim "${error.claim}" failed its check (${error.reason})`, error);
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return refuse('bad signature', error);
  if (error instanceof errors.JWKSNoMatchingKey)
    return refuse('unknown key id (no matching key in the key set)', error);
  if (error instanceof errors.JWKSMultipleMatchingKeys)
    return refuse('the token names no key id and several keys match', error);
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return refuse(`algorithm not allowed (allowed: ${options.algorithms.join(', ')})`, error);
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return refuse('it is not a well-formed signed JWT', error);
  }
  if (error instanceof errors.JOSENotSupported)
    return refuse('its algorithm or key type is not supported', error);
  // What is left is the key set itself: unreachable, slow, not 200, or not a key set.
  return new SlipwayError(
    'upstream_unavailable',
    "The identity provider's key set (JWKS) could not be used",
    {
      cause: error,
      retryable: true,
    },
  );
}

/**
 * Verifies end users' tokens with `jose`: signature first (keys only from the configured key set, algorithms
 * only from the allowlist), then `exp`, `nbf`, `iss` and `aud` with the configured leeway, then maps the claims.
 * A remote key set is fetched on first use and cached by jose, which refetches when a token names an unknown key
 * id (at most once per cooldown), so that a provider's key rotation needs no restart.
 * @example const verifier = createJoseTokenVerifier({ issuer, audience, jwksUrl, jwks: null, … });
 */
export function createJoseTokenVerifier(options: JoseTokenVerifierOptions): TokenVerifier {
  const keys: JWTVerifyGetKey =
    options.jwks !== null
      ? createLocalJWKSet(options.jwks as unknown as JSONWebKeySet)
      : createRemoteJWKSet(new URL(options.jwksUrl ?? ''), {
          timeoutDuration: options.jwksTimeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS,
        });
  const audience = typeof options.audience === 'string' ? options.audience : [...options.audience];
  return {
    async verifyEndUserToken(token: string): Promise<EndUserPrincipal> {
      if (token.length === 0 || token.length > MAX_TOKEN_CHARS) {
        throw refuse(`it must be 1 to ${MAX_TOKEN_CHARS} characters`, undefined);
      }
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, keys, {
          issuer: options.issuer,
          audience,
          algorithms: [...options.algorithms],
          clockTolerance: options.clockToleranceSec,
          requiredClaims: ['exp'],
        }));
      } catch (error) {
        throw explain(error, options);
      }
      return principalOfClaims(payload, options.claims, options.levels);
    },
  };
}
