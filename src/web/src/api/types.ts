/**
 * Shapes of the admin API responses. Server types are imported type-only (the dependency-cruiser rule
 * `web-types-only` enforces it) so the dashboard bundle never pulls server code.
 */
import type { ApiKeyRecord, LimitPolicy, Project } from '../../../core/identity.js';
import type { AttemptRecord, InteractionRecord, InteractionStatus } from '../../../core/interaction.js';
import type { InteractionSummary } from '../../../ports/interaction-store.js';
import type { StatsGroupBy } from '../../../ports/stats-store.js';
import type { KeyUsageReport } from '../../../services/key-usage.js';
import type { Overview, Stats } from '../../../services/overview-stats.js';
import type { DeadLetter } from '../../../ports/job-queue.js';
import type { QueueStatusReport } from '../../../services/queue-status.js';

export type { AttemptRecord, InteractionRecord, InteractionStatus, InteractionSummary, LimitPolicy };
export type { Overview, Stats };
export type OverviewGroupBy = StatsGroupBy;
export type KeyUsage = KeyUsageReport;
export type { DeadLetter, QueueStatusReport };

/** A listing page: `{ data, next_cursor }`. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export type UserRole = 'admin' | 'developer' | 'viewer';

export interface User {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  createdAt: number;
  disabledAt: number | null;
  lastSignInAt: number | null;
}

export interface Session {
  user: User;
  csrfToken: string;
}

export interface SetupStatus {
  hasUsers: boolean;
}

export type ProjectView = Project & { retentionDays?: number | null };

export type ApiKeyView = Omit<ApiKeyRecord, 'secretHash'>;

export interface CreatedApiKey {
  key: ApiKeyView;
  secret: string;
}

export interface BreakerView {
  state: string;
  consecutiveFailures: number;
  openedAt: number | null;
}

export interface RouteStatus {
  model: string;
  kind: string;
  strategy: string;
  description: string | null;
  targets: Array<{ provider: string; model: string; weight: number; breaker: BreakerView }>;
}

export interface AuditEvent {
  id: string;
  at: number;
  actor: { kind: 'api_key' | 'user' | 'anonymous'; id: string | null; label: string };
  action: string;
  target: string | null;
  outcome: 'success' | 'failure';
  detail: Record<string, unknown>;
}
