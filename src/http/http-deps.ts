import type { Caller, Project } from '../core/identity.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { InteractionStore } from '../ports/interaction-store.js';
import type { ErasureRecord } from '../ports/log-retention.js';
import type { Metrics } from '../ports/metrics.js';
import type { CompleteChatInput, CompleteChatResult } from '../services/complete-chat.js';
import type { CreateEmbeddingsInput, CreateEmbeddingsResult } from '../services/create-embeddings.js';
import type { EraseEndUserRequest } from '../services/erase-end-user.js';
import type { ExportInteractionsRequest } from '../services/export-interactions.js';
import type { KeyUsage } from '../services/key-usage.js';
import type { ModelEntry } from '../services/list-models.js';
import type { ApiKeyManagement } from '../services/manage-api-keys.js';
import type { UserManagement } from '../services/manage-users.js';
import type { OverviewStats } from '../services/overview-stats.js';
import type { RecordAudit } from '../services/record-audit.js';
import type { SignIn } from '../services/sign-in.js';

interface RouteStatus {
  model: string;
  kind: string;
  strategy: string;
  description: string | null;
  targets: Array<{
    provider: string;
    model: string;
    weight: number;
    breaker: { state: string; consecutiveFailures: number; openedAt: number | null };
  }>;
}

interface Readiness {
  ok: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

/** What the HTTP edge needs from the composed application (src/compose/compose-app.ts provides it). */
export interface HttpDeps {
  authenticate(secret: string | null): Promise<Caller>;
  forgetCachedKeys(): void;
  completeChat(input: CompleteChatInput): Promise<CompleteChatResult>;
  createEmbeddings(input: CreateEmbeddingsInput): Promise<CreateEmbeddingsResult>;
  listModels(caller: Pick<Caller, 'allowedModels'>): { object: 'list'; data: ModelEntry[] };
  routesStatus(): RouteStatus[];
  keys: ApiKeyManagement;
  /** People, sign-in and the audit log. */
  people: {
    users: UserManagement;
    signIn: SignIn;
    auditLog: Pick<AuditLog, 'listAuditEvents'>;
    recordAudit: RecordAudit;
    /** Mark the session cookie Secure even on plain HTTP (behind a TLS-terminating proxy). */
    secureCookies: boolean;
    sessionTtlMs: number;
  };
  interactions: Pick<InteractionStore, 'listInteractions' | 'getInteraction'>;
  /** Retention periods, end-user erasure and export of the interaction log. */
  logData: {
    /** The project by id or name; null keeps its interactions forever. */
    setProjectRetention(project: string, retentionDays: number | null): Promise<Project>;
    eraseEndUser(request: EraseEndUserRequest): Promise<ErasureRecord>;
    listErasures(filter: { endUser?: string }): Promise<ErasureRecord[]>;
    exportInteractions(request: ExportInteractionsRequest): AsyncIterable<string>;
  };
  /** `GET /api/stats/overview`. */
  overviewStats: OverviewStats;
  /** `GET /api/keys/:id/usage`. */
  keyUsage: KeyUsage;
  metrics: Metrics;
  readiness(): Promise<Readiness>;
  bodyLimitBytes: number;
  /** Fastify's `trustProxy`: which proxies' `X-Forwarded-For` gives the client address (config `server.trustProxy`). */
  trustProxy: boolean | readonly string[];
  /** The built dashboard directory (`dist/web`); absent or null serves build instructions at `/`. */
  dashboardDir?: string | null;
  /** Reports server-side detail of unexpected errors (never sent to clients). */
  logError(message: string, error: unknown): void;
}
