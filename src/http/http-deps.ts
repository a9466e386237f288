import type { Caller, Project } from '../core/identity.js';
import type { AuditLog } from '../ports/audit-log.js';
import type { InteractionStore } from '../ports/interaction-store.js';
import type { ErasureRecord } from '../ports/log-retention.js';
import type { Metrics } from '../ports/metrics.js';
import type { CompleteChatInput, CompleteChatResult } from '../services/complete-chat.js';
import type { BatchManagement } from '../services/manage-batches.js';
import type { FileManagement } from '../services/manage-files.js';
import type { CreateEmbeddingsInput, CreateEmbeddingsResult } from '../services/create-embeddings.js';
import type { EraseEndUserRequest } from '../services/erase-end-user.js';
import type { ExportInteractionsRequest } from '../services/export-interactions.js';
import type { KeyUsage } from '../services/key-usage.js';
import type { ModelEntry } from '../services/list-models.js';
import type { ApiKeyManagement } from '../services/manage-api-keys.js';
import type { UserManagement } from '../services/manage-users.js';
import type { OverviewStats } from '../services/overview-stats.js';
import type { QueueStatus } from '../services/queue-status.js';
import type { PromptApi } from './prompt-api.js';
import type { DocumentsApi } from './documents-api.js';
import type { RetrievalSurfacesApi } from './retrieval-surfaces-api.js';
import type { VectorStoreFilesApi } from './vector-store-files-api.js';
import type { RecordAudit } from '../services/record-audit.js';
import type { RedriveDeadLetters } from '../services/redrive-dead-letters.js';
import type { SignIn } from '../services/sign-in.js';
import type { EndUserManagement } from '../services/manage-end-users.js';
import type { ResolvePrincipal } from '../services/resolve-principal.js';

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
  /** `/v1/chat/completions`: `completeChat` for direct routes, a worker through the queue for queued ones. */
  dispatchChat(input: CompleteChatInput): Promise<CompleteChatResult>;
  createEmbeddings(input: CreateEmbeddingsInput): Promise<CreateEmbeddingsResult>;
  listModels(caller: Pick<Caller, 'allowedModels'>): { object: 'list'; data: ModelEntry[] };
  routesStatus(): RouteStatus[];
  keys: ApiKeyManagement;
  /** People, sign-in and the audit log. */
  people: {
    users: UserManagement;
    signIn: SignIn;
    auditLog: Pick<AuditLog, 'listAuditEvents' | 'verifyAuditChain'>;
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
  /** Prompts as code: `/v1/prompts`, `/api/prompts` and the `prompt` parameter of chat completions. */
  prompts: PromptApi;
  /** The job queue: `/api/queue` (status, dead letters, redrive). */
  queueOperations: QueueStatus & { redrive: RedriveDeadLetters };
  /** The Batch API: `/v1/files`, `/v1/batches` and the dashboard's `/api/batches`. */
  batching: { files: FileManagement; batches: BatchManagement };
  /** Who is asking: `/api/principals`, `/api/principal-groups` and `GET /api/principal`. */
  principals: { endUsers: EndUserManagement; resolvePrincipal: ResolvePrincipal };
  /** Documents: `/api/collections`, their documents and `/api/ingestion-runs`. */
  retrieval: DocumentsApi;
  /** Retrieval at the edges: `/v1/vector_stores`, chat `retrieval`, the log view of retrieved chunks. */
  retrievalSurfaces: RetrievalSurfacesApi;
  /** Documents through OpenAI's API shape: `/v1/files` of purpose `assistants`/`user_data`, `/v1/vector_stores/{id}/files`. */
  vectorStoreFiles: VectorStoreFilesApi;
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
