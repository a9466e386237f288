import type { ApiKeyStore } from './api-key-store.js';
import type { AuditLog } from './audit-log.js';
import type { BatchStore } from './batch-store.js';
import type { EndUserDirectory } from './end-user-directory.js';
import type { BreakerStore } from './breaker-store.js';
import type { DocumentCatalog } from './document-catalog.js';
import type { InteractionStore } from './interaction-store.js';
import type { JobOutbox } from './job-outbox.js';
import type { LogRetention } from './log-retention.js';
import type { ProjectStore } from './project-store.js';
import type { PromptRegistry } from './prompt-registry.js';
import type { SessionStore } from './session-store.js';
import type { StatsStore } from './stats-store.js';
import type { UsageLedger } from './usage-ledger.js';
import type { UserStore } from './user-store.js';
import type { WorkerRegistry } from './worker-registry.js';
import type { FileBlobStore } from './file-blob-store.js';
import type { VectorStoreFileStore } from './vector-store-file-store.js';

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
    LogRetention,
    JobOutbox,
    PromptRegistry,
    BatchStore,
    WorkerRegistry,
    DocumentCatalog,
    BreakerStore,
    EndUserDirectory,
    FileBlobStore,
    VectorStoreFileStore {
  /** `sqlite` or `postgres`, for readiness reports and metrics labels. */
  readonly kind: 'sqlite' | 'postgres';
  /** Resolves when the database answers a trivial query; throws otherwise. */
  ping(): Promise<void>;
  /** Closes connections; further calls fail. Idempotent. */
  close(): Promise<void>;
}
