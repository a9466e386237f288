import { isWellFormedApiKey } from '../core/api-key-format.js';
import { SlipwayError } from '../core/errors.js';
import type { ApiKeyRecord, Caller } from '../core/identity.js';
import type { ApiKeyStore } from '../ports/api-key-store.js';
import type { Clock } from '../ports/clock.js';
import type { SecretHasher } from '../ports/secret-hasher.js';

const CACHE_TTL_MS = 5_000;
const CACHE_LIMIT = 10_000;

/**
 * Turns a bearer secret into the caller it belongs to. Lookups are cached for a few seconds because the
 * gateway authenticates every request; a revocation therefore takes effect within CACHE_TTL_MS on every process.
 * @example const caller = await authenticate('sk-slw-…'); // throws `unauthorized` for unknown, revoked or expired keys
 */
export function makeAuthenticateCaller(deps: { store: ApiKeyStore; hasher: SecretHasher; clock: Clock }) {
  const cache = new Map<string, { record: ApiKeyRecord | null; fetchedAt: number }>();

  async function lookup(digest: string, now: number): Promise<ApiKeyRecord | null> {
    const cached = cache.get(digest);
    if (cached && now - cached.fetchedAt < CACHE_TTL_MS) return cached.record;
    const record = await deps.store.findApiKeyByHash(digest);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(digest, { record, fetchedAt: now });
    return record;
  }

  async function authenticate(secret: string | null): Promise<Caller> {
    if (secret === null || secret === '') {
      throw new SlipwayError('unauthorized', 'Missing API key: send "Authorization: Bearer <key>".');
    }
    if (!isWellFormedApiKey(secret)) throw new SlipwayError('unauthorized', 'Invalid API key.');
    const now = deps.clock.now();
    const record = await lookup(deps.hasher.digest(secret), now);
    if (!record) throw new SlipwayError('unauthorized', 'Invalid API key.');
    if (record.revokedAt !== null) throw new SlipwayError('unauthorized', 'This API key has been revoked.');
    if (record.expiresAt !== null && record.expiresAt <= now) {
      throw new SlipwayError('unauthorized', 'This API key has expired.');
    }
    return {
      keyId: record.id,
      projectId: record.projectId,
      role: record.role,
      allowedModels: record.allowedModels,
      limits: record.limits,
      ...(record.actAsEndUser === true ? { actAsEndUser: true } : {}),
    };
  }

  /** Drops cached lookups, so that a revocation made by this process applies at once. */
  function forgetCachedKeys(): void {
    cache.clear();
  }

  return { authenticate, forgetCachedKeys };
}

/** Function-level authorisation: which roles may use which part of the API. */
export type Permission = 'any' | 'gateway' | 'read' | 'manage';

const ALLOWED: Record<Permission, ReadonlySet<Caller['role']>> = {
  any: new Set(['admin', 'developer', 'viewer', 'app']),
  gateway: new Set(['admin', 'developer', 'app']),
  read: new Set(['admin', 'developer', 'viewer']),
  manage: new Set(['admin']),
};

/** Throws `forbidden` unless the role grants the permission; works for keys (Caller) and people (Actor). */
export function authorize(who: Pick<Caller, 'role'>, permission: Permission): void {
  if (!ALLOWED[permission].has(who.role)) {
    throw new SlipwayError('forbidden', `The ${who.role} role may not do this (needs ${permission} access).`);
  }
}
