import type { ColumnType } from 'kysely';

/**
 * The tables as Kysely sees them, shared by both dialects. Times are integer milliseconds (BIGINT); JSON columns
 * are read and written as JSON text (TEXT on SQLite, JSONB on PostgreSQL, whose parser is told to hand back the
 * text) so that one mapping serves both.
 */
export interface Database {
  projects: ProjectsTable;
  api_keys: ApiKeysTable;
  interactions: InteractionsTable;
  attempts: AttemptsTable;
  usage_counters: UsageCountersTable;
  reservations: ReservationsTable;
  erasures: ErasuresTable;
  installation_secrets: InstallationSecretsTable;
  users: UsersTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  stats_minutes: StatsMinutesTable;
  stats_minute_histograms: StatsMinuteHistogramsTable;
  stats_hours: StatsHoursTable;
  stats_hour_histograms: StatsHourHistogramsTable;
}

/**
 * SQLite hands back 0/1 and PostgreSQL a boolean; both accept 0/1 as input (PostgreSQL parses the text `0`/`1`
 * as a boolean), and better-sqlite3 cannot bind a JavaScript boolean, so flags are always written as 0/1.
 */
type FlagColumn = ColumnType<boolean | number, number, number>;

/** JSON text; null only where the record allows it. */
export type JsonColumn = string;

export interface ProjectsTable {
  id: string;
  name: string;
  created_at: number;
  /** Null keeps the project's interactions forever (migration 0004). */
  retention_days: number | null;
}

export interface ApiKeysTable {
  id: string;
  project_id: string;
  name: string;
  role: string;
  secret_hash: string;
  display_prefix: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  allowed_models: JsonColumn | null;
  limits: JsonColumn;
}

export interface InteractionsTable {
  id: string;
  endpoint: string;
  project_id: string;
  api_key_id: string;
  end_user: string | null;
  model_requested: string;
  target: string | null;
  variant: string | null;
  prompt_name: string | null;
  prompt_version: number | null;
  retrieved_documents: JsonColumn;
  batch_id: string | null;
  stream: FlagColumn;
  status: string;
  error_code: string | null;
  error_message: string | null;
  request: JsonColumn | null;
  response: JsonColumn | null;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost_usd: number;
  latency_ms: number;
  ttft_ms: number | null;
  started_at: number;
  /** Kept on the interaction so that listings need no join. */
  attempt_count: number;
  /** W3C trace context of the interaction's span; null for rows logged before migration 0002. */
  trace_id: string | null;
  span_id: string | null;
  parent_span_id: string | null;
  trace_sampled: ColumnType<boolean | number | null, number | null, number | null>;
  /** The searchable words of the redacted request and response (src/core/interaction-search-text.ts; 0003). */
  search_text: string | null;
}

export interface AttemptsTable {
  interaction_id: string;
  attempt_index: number;
  provider_id: string;
  model: string;
  started_at: number;
  latency_ms: number;
  ttft_ms: number | null;
  status: string;
  error_code: string | null;
  error_message: string | null;
  upstream_status: number | null;
}

interface UsageCountersTable {
  counter: string;
  window_start: number;
  window_end: number;
  used: number;
  limit: number;
}

interface ReservationsTable {
  reservation_id: string;
  counter: string;
  window_start: number;
  window_end: number;
  reserved: number;
  /** The latest window start among the reservation's charges: a lower bound of when it was made, for purging. */
  reserved_at: number;
  settled: FlagColumn;
}

export interface UsersTable {
  id: string;
  /** Lower-cased, so that the unique constraint is case-insensitive. */
  email: string;
  name: string;
  role: string;
  password_hash: string;
  created_at: number;
  disabled_at: number | null;
  last_sign_in_at: number | null;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
}

export interface AuditEventsTable {
  id: string;
  at: number;
  actor_kind: string;
  actor_id: string | null;
  actor_label: string;
  action: string;
  target: string | null;
  outcome: string;
  detail: JsonColumn;
}

/** Per-minute rollups of the interaction log (migration 0006), kept by triggers; never written by code. */
interface StatsMinutesTable {
  minute_start: number;
  project_id: string;
  api_key_id: string;
  model_requested: string;
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  latency_sum_ms: number;
  ttft_count: number;
  ttft_sum_ms: number;
}

/** Latency (`kind` 'latency') and time-to-first-token ('ttft') counts per bucket of src/core/latency-histogram.ts. */
interface StatsMinuteHistogramsTable {
  minute_start: number;
  project_id: string;
  api_key_id: string;
  model_requested: string;
  kind: 'latency' | 'ttft';
  bucket: number;
  count: number;
}

/** One erasure of an end user's data; the end user appears only as a keyed hash (see migration 0004). */
export interface ErasuresTable {
  id: string;
  at: number;
  subject_hash: string;
  interactions_deleted: number;
  attempts_deleted: number;
  requested_by: string;
}

/** Secrets generated once per installation, by name (migration 0004). */
interface InstallationSecretsTable {
  name: string;
  value: string;
}

/** The same rollups per hour, so that long ranges read 60 times fewer rows. */
type StatsHoursTable = Omit<StatsMinutesTable, 'minute_start'> & { hour_start: number };

type StatsHourHistogramsTable = Omit<StatsMinuteHistogramsTable, 'minute_start'> & { hour_start: number };
