import type { ApiKeyStore } from './api-key-store.js';
import type { InteractionStore } from './interaction-store.js';
import type { ProjectStore } from './project-store.js';
import type { UsageLedger } from './usage-ledger.js';

/**
 * Everything Slipway persists, behind one database (SQLite file or PostgreSQL).
 * `open…Store` factories apply forward-only migrations before returning it.
 */
export interface Store extends ProjectStore, ApiKeyStore, InteractionStore, UsageLedger {
  /** `sqlite` or `postgres`, for readiness reports and metrics labels. */
  readonly kind: 'sqlite' | 'postgres';
  /** Resolves when the database answers a trivial query; throws otherwise. */
  ping(): Promise<void>;
  /** Closes connections; further calls fail. Idempotent. */
  close(): Promise<void>;
}
