import type { ClassificationLevels } from './access/classification-levels.js';
import type { EndUserPrincipal } from './access/principal.js';
import { SlipwayError } from './errors.js';

/** Which claims of an end user's token carry what; a dotted name reads a nested claim (`realm_access.roles`). */
export interface EndUserClaimNames {
  subject: string;
  groups: string;
  roles: string;
  clearance: string;
}

const MAX_NAMES = 1_000;

function claimAt(claims: Record<string, unknown>, path: string): unknown {
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = Object.hasOwn(value, part) ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}

function refuse(message: string): SlipwayError {
  return new SlipwayError('unauthorized', `End-user token refused: ${message}.`);
}

function namesAt(claims: Record<string, unknown>, path: string): string[] {
  const value = claimAt(claims, path);
  if (value === undefined || value === null) return [];
  const list: unknown[] = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [value];
  if (list.length > MAX_NAMES || !list.every((item) => typeof item === 'string' && item !== '')) {
    throw refuse(`claim "${path}" must be a string or a list of at most ${MAX_NAMES} non-empty strings`);
  }
  return [...new Set(list as string[])].sort();
}

/**
 * The principal a verified token's claims describe. Throws `unauthorized` when the subject is missing, a list
 * claim holds something other than strings, or the clearance is not one of `levels`: a clearance Slipway
 * cannot rank is refused rather than guessed at.
 * @example principalOfClaims({ sub: 'u1', groups: ['finance'] }, names, levels).groups // ['finance']
 */
export function principalOfClaims(
  claims: Record<string, unknown>,
  names: EndUserClaimNames,
  levels: ClassificationLevels,
): EndUserPrincipal {
  const subject = claimAt(claims, names.subject);
  if (typeof subject !== 'string' || subject === '') {
    throw refuse(`claim "${names.subject}" (the end user's id) is missing or not a string`);
  }
  const clearance = claimAt(claims, names.clearance);
  if (clearance !== undefined && clearance !== null) {
    if (typeof clearance !== 'string' || !levels.includes(clearance)) {
      throw refuse(
        `claim "${names.clearance}" is not one of the classification levels (${levels.join(', ')})`,
      );
    }
  }
  return {
    kind: 'end_user',
    userId: subject,
    groups: namesAt(claims, names.groups),
    roles: namesAt(claims, names.roles),
    clearance: typeof clearance === 'string' ? clearance : null,
  };
}
