import type { Caller } from '../core/identity.js';
import type { InteractionStore } from '../ports/interaction-store.js';
import type { Metrics } from '../ports/metrics.js';
import type { CompleteChatInput, CompleteChatResult } from '../services/complete-chat.js';
import type { CreateEmbeddingsInput, CreateEmbeddingsResult } from '../services/create-embeddings.js';
import type { ModelEntry } from '../services/list-models.js';
import type { ApiKeyManagement } from '../services/manage-api-keys.js';

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
  interactions: Pick<InteractionStore, 'listInteractions' | 'getInteraction'>;
  metrics: Metrics;
  readiness(): Promise<Readiness>;
  bodyLimitBytes: number;
  /** Reports server-side detail of unexpected errors (never sent to clients). */
  logError(message: string, error: unknown): void;
}
