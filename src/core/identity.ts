/** Who may do what. `app` keys may only call the OpenAI-compatible `/v1` API. */
export const ROLES = ['admin', 'developer', 'viewer', 'app'] as const;
export type Role = (typeof ROLES)[number];

export interface Project {
  id: string;
  name: string;
  createdAt: number;
  /** Interactions older than this many days are deleted by the retention sweep; null keeps them forever. */
  retentionDays: number | null;
}

/** Limits that may be set on a key, a project or for each end user; absent means unlimited. */
export interface LimitPolicy {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  spendPerDayUsd?: number;
  spendPerMonthUsd?: number;
}

/** An API key as stored: only the digest of the secret, never the secret itself. */
export interface ApiKeyRecord {
  id: string;
  projectId: string;
  name: string;
  role: Role;
  /** SHA-256 hex digest of the whole secret. */
  secretHash: string;
  /** The first characters of the secret, safe to display (`sk-slw-AbCd…`). */
  displayPrefix: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  /** Public model names this key may call; null means every model. */
  allowedModels: string[] | null;
  limits: LimitPolicy;
  /** Whether requests with this key may name the end user they run for (absent: false). */
  actAsEndUser?: boolean;
}

/** The authenticated caller of one request. */
export interface Caller {
  keyId: string;
  projectId: string;
  role: Role;
  allowedModels: string[] | null;
  limits: LimitPolicy;
  /** Whether the key may name the end user a request runs for (absent: false). */
  actAsEndUser?: boolean;
}

/**
 * Whoever calls the admin API: an API key (by bearer token) or a person signed in to the dashboard. Keys other
 * than admin keys see only their own project; people hold an organisation-wide role.
 */
export interface Actor {
  kind: 'api_key' | 'user';
  id: string;
  role: Role;
  /** The only project this actor may see; null for every project. */
  projectScope: string | null;
}

/** The admin-API actor of an authenticated key. */
export function actorOfCaller(caller: Caller): Actor {
  return {
    kind: 'api_key',
    id: caller.keyId,
    role: caller.role,
    projectScope: caller.role === 'admin' ? null : caller.projectId,
  };
}
