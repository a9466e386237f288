import { createJoseTokenVerifier } from '../adapters/identity/index.js';
import type { Config } from '../config/config-schema.js';
import {
  type ClassificationLevels,
  parseClassificationLevels,
} from '../core/access/classification-levels.js';
import type { Clock } from '../ports/clock.js';
import type { EndUserDirectory } from '../ports/end-user-directory.js';
import type { TokenVerifier } from '../ports/token-verifier.js';
import { makeEndUserManagement } from '../services/manage-end-users.js';
import type { RecordAudit } from '../services/record-audit.js';
import { makeResolvePrincipal } from '../services/resolve-principal.js';

export interface ComposeIdentityDeps {
  directory: EndUserDirectory;
  clock: Clock;
  recordAudit: RecordAudit;
}

function openVerifier(config: Pick<Config, 'identity'>, levels: ClassificationLevels): TokenVerifier | null {
  const jwt = config.identity.jwt;
  if (jwt === null) return null;
  return createJoseTokenVerifier({
    issuer: jwt.issuer,
    audience: jwt.audience,
    jwksUrl: jwt.jwksUrl,
    jwks: jwt.jwks,
    algorithms: jwt.algorithms,
    clockToleranceSec: jwt.clockToleranceSec,
    claims: jwt.claims,
    levels,
  });
}

/**
 * Who is asking: the end-user directory as admins manage it, and the resolution of a request's principal from
 * an end user's own token (verified when `identity.jwt` is configured) or a permitted key naming an end user.
 */
export function composeIdentity(config: Pick<Config, 'identity' | 'retrieval'>, deps: ComposeIdentityDeps) {
  // The levels retrieval ranks documents by: a clearance from a token or the directory must be one of them.
  const levels = parseClassificationLevels(config.retrieval.classificationLevels);
  return {
    endUsers: makeEndUserManagement({ ...deps, levels }),
    resolvePrincipal: makeResolvePrincipal({
      verifier: openVerifier(config, levels),
      directory: deps.directory,
    }),
  };
}
