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
