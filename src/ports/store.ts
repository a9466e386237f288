import type { ApiKeyStore } from './api-key-store.js';
import type { AuditLog } from './audit-log.js';
import type { InteractionStore } from './interaction-store.js';
import type { LogRetention } from './log-retention.js';
import type { ProjectStore } from './project-store.js';
import type { SessionStore } from './session-store.js';
import type { StatsStore } from './stats-store.js';
import type { UsageLedger } from './usage-ledger.js';
import type { UserStore } from './user-store.js';

/**
 * Everything Slipway persists, behind one database (SQLite file or PostgreSQL).
 * `open…Store` factories apply forward-only migrations before returning it.
 */
export interface Store
  extends
    ProjectStore,
    ApiKeyStore,
    InteractionStore,
    UsageLedger,
    UserStore,
    SessionStore,
    AuditLog,
    StatsStore,
    LogRetention {
  /** `sqlite` or `postgres`, for readiness reports and metrics labels. */
  readonly kind: 'sqlite' | 'postgres';
  /** Resolves when the database answers a trivial query; throws otherwise. */
  ping(): Promise<void>;
  /** Closes connections; further calls fail. Idempotent. */
  close(): Promise<void>;
}
