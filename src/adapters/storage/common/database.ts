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
  job_outbox: JobOutboxTable;
  prompt_versions: PromptVersionsTable;
  prompt_labels: PromptLabelsTable;
  prompt_label_moves: PromptLabelMovesTable;
  prompt_test_runs: PromptTestRunsTable;
  files: FilesTable;
  file_lines: FileLinesTable;
  batches: BatchesTable;
  batch_results: BatchResultsTable;
  worker_heartbeats: WorkerHeartbeatsTable;
  document_collections: DocumentCollectionsTable;
  documents: DocumentsTable;
  ingestion_runs: IngestionRunsTable;
  ingestion_items: IngestionItemsTable;
  audit_chain_head: AuditChainHeadTable;
  audit_event_documents: AuditEventDocumentsTable;
  end_users: EndUsersTable;
  end_user_groups: EndUserGroupsTable;
  circuit_breakers: CircuitBreakersTable;
  file_blobs: FileBlobsTable;
  vector_store_files: VectorStoreFilesTable;
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
  /** Whether the key may name the end user a request runs for (migration 0013). */
  act_as_end_user: ColumnType<boolean | number, number | undefined, number>;
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
  /** The hash chain (migration 0012): null only for a row written around the store. */
  seq: number | null;
  prev_hash: string | null;
  hash: string | null;
  /** `detail.endUser`, indexed for `audit list --user`. */
  subject: string | null;
}

/** The newest event of the audit chain, in its one row (id 1); appends lock it. */
export interface AuditChainHeadTable {
  id: number;
  seq: number;
  hash: string;
}

/** Which events touched which documents (`detail.documents`), for `audit list --doc`. */
interface AuditEventDocumentsTable {
  document_id: string;
  event_id: string;
}

/** Slipway's end-user directory (migration 0013). */
export interface EndUsersTable {
  id: string;
  name: string;
  groups: JsonColumn;
  roles: JsonColumn;
  clearance: string | null;
  disabled: FlagColumn;
  created_at: number;
  updated_at: number;
}

interface EndUserGroupsTable {
  name: string;
  description: string;
  created_at: number;
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

/** One row per target whose breaker has changed (migration 0015); `version` guards compare-and-swap writes. */
export interface CircuitBreakersTable {
  target: string;
  state: string;
  consecutive_failures: number;
  opened_at: number | null;
  probe_in_flight: FlagColumn;
  changed_at: number;
  version: number;
}

/** One row per live worker process (migration 0010), refreshed by its heartbeat. */
export interface WorkerHeartbeatsTable {
  id: string;
  host: string;
  pid: number;
  started_at: number;
  last_seen_at: number;
  job_names: JsonColumn;
}

/** Files of the Batch API (migration 0009); the content is in `file_lines`. */
export interface FilesTable {
  id: string;
  project_id: string;
  api_key_id: string | null;
  purpose: string;
  filename: string;
  bytes: number;
  line_count: number;
  created_at: number;
  expires_at: number | null;
}

interface FileLinesTable {
  file_id: string;
  line_no: number;
  text: string;
}

export interface BatchesTable {
  id: string;
  project_id: string;
  api_key_id: string;
  endpoint: string;
  input_file_id: string;
  completion_window: string;
  status: string;
  total_lines: number;
  output_file_id: string | null;
  error_file_id: string | null;
  metadata: JsonColumn | null;
  errors: JsonColumn;
  created_at: number;
  expires_at: number;
  in_progress_at: number | null;
  finalizing_at: number | null;
  completed_at: number | null;
  failed_at: number | null;
  expired_at: number | null;
  cancelling_at: number | null;
  cancelled_at: number | null;
}

/** One result per batch line: the primary key (batch_id, line_no) keeps a line delivered twice to one result. */
export interface BatchResultsTable {
  batch_id: string;
  line_no: number;
  id: string;
  custom_id: string | null;
  outcome: string;
  response: JsonColumn | null;
  error: JsonColumn | null;
  at: number;
}

/** Immutable prompt versions (migration 0007): (name, version) and (name, content_hash) are each unique. */
export interface PromptVersionsTable {
  name: string;
  version: number;
  content_hash: string;
  definition: JsonColumn;
  source_path: string;
  git_commit: string | null;
  git_author: string | null;
  git_message: string | null;
  created_at: number;
  created_by: string;
}

interface PromptLabelsTable {
  name: string;
  label: string;
  version: number;
  updated_at: number;
}

export interface PromptLabelMovesTable {
  id: string;
  name: string;
  label: string;
  from_version: number | null;
  to_version: number;
  at: number;
  actor: string;
  reason: string | null;
  test_run_id: string | null;
  override: FlagColumn;
  kind: string;
}

export interface PromptTestRunsTable {
  id: string;
  name: string;
  version: number;
  model: string;
  started_at: number;
  finished_at: number;
  passed: FlagColumn;
  actor: string;
  cases: JsonColumn;
}

/** The transactional outbox (migration 0008): jobs to publish, written in the transaction that asked for them. */
export interface JobOutboxTable {
  id: string;
  name: string;
  payload: JsonColumn;
  max_attempts: number | null;
  not_before: number | null;
  created_at: number;
  published_at: number | null;
}

/** Collections of documents (migration 0014). */
export interface DocumentCollectionsTable {
  name: string;
  dimension: number;
  embedding_model: string;
  created_at: number;
}

/** The documents catalog (migration 0014): `access_rule` is a display copy; the vector index enforces its own. */
export interface DocumentsTable {
  collection: string;
  id: string;
  title: string;
  source_name: string;
  media_type: string;
  bytes: number;
  content_hash: string;
  chunk_count: number;
  access_rule: JsonColumn;
  status: string;
  error: string | null;
  ingested_at: number;
  ingested_by: string;
}

export interface IngestionRunsTable {
  id: string;
  collection: string;
  actor: JsonColumn;
  created_at: number;
}

/** One document of a run; `content` is base64 of the upload, emptied once `outcome` is set. */
export interface IngestionItemsTable {
  run_id: string;
  document_id: string;
  title: string;
  source_name: string;
  media_type: string | null;
  content: string;
  access_rule: JsonColumn;
  outcome: string | null;
  error: string | null;
  finished_at: number | null;
}

/** The bytes of a file kept whole (migration 0016), base64. */
interface FileBlobsTable {
  file_id: string;
  content: string;
}

/** A file added to a collection through `/v1/vector_stores/{id}/files` (migration 0016). */
export interface VectorStoreFilesTable {
  collection: string;
  file_id: string;
  run_id: string;
  attributes: JsonColumn;
  created_at: number;
}
