import type { Insertable, Selectable } from 'kysely';
import type {
  AttemptRecord,
  Endpoint,
  InteractionRecord,
  InteractionStatus,
} from '../../../core/interaction.js';
import { interactionSearchText } from '../../../core/interaction-search-text.js';
import type { TraceContext } from '../../../core/trace-context.js';
import type { InteractionSummary } from '../../../ports/interaction-store.js';
import type { AttemptsTable, InteractionsTable } from './database.js';
import { decodeJson, encodeJson } from './json-column.js';
import { toStorableText } from './storable-text.js';

export type InteractionRow = Selectable<InteractionsTable>;
export type AttemptRow = Selectable<AttemptsTable>;

/** The columns of a listing: everything but the bodies. */
export const INTERACTION_SUMMARY_COLUMNS = [
  'id',
  'endpoint',
  'project_id',
  'api_key_id',
  'end_user',
  'model_requested',
  'target',
  'variant',
  'prompt_name',
  'prompt_version',
  'batch_id',
  'stream',
  'status',
  'error_code',
  'error_message',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'cost_usd',
  'latency_ms',
  'ttft_ms',
  'started_at',
  'attempt_count',
] as const satisfies ReadonlyArray<keyof InteractionsTable>;

export type InteractionSummaryRow = Pick<InteractionRow, (typeof INTERACTION_SUMMARY_COLUMNS)[number]>;

/**
 * Every column is always present and in the same order, so that batches of equal size compile to the same SQL
 * text and reuse one prepared statement.
 */
export function toInteractionRow(record: InteractionRecord): Insertable<InteractionsTable> {
  return {
    id: record.id,
    endpoint: record.endpoint,
    project_id: record.projectId,
    api_key_id: record.apiKeyId,
    end_user: toStorableText(record.endUser ?? null),
    model_requested: toStorableText(record.modelRequested),
    target: toStorableText(record.target ?? null),
    variant: toStorableText(record.variant ?? null),
    prompt_name: toStorableText(record.promptName ?? null),
    prompt_version: record.promptVersion ?? null,
    retrieved_documents: encodeJson(record.retrievedDocuments ?? []) ?? '[]',
    batch_id: toStorableText(record.batchId ?? null),
    stream: record.stream ? 1 : 0,
    status: record.status,
    error_code: toStorableText(record.errorCode ?? null),
    error_message: toStorableText(record.errorMessage ?? null),
    request: encodeJson(record.request),
    response: encodeJson(record.response),
    prompt_tokens: record.promptTokens,
    completion_tokens: record.completionTokens,
    total_tokens: record.totalTokens,
    cost_usd: record.costUsd,
    latency_ms: record.latencyMs,
    ttft_ms: record.ttftMs ?? null,
    started_at: record.startedAt,
    attempt_count: record.attempts.length,
    trace_id: record.trace?.traceId ?? null,
    span_id: record.trace?.spanId ?? null,
    parent_span_id: record.trace?.parentSpanId ?? null,
    trace_sampled: record.trace === null ? null : record.trace.sampled ? 1 : 0,
    search_text: interactionSearchText(record),
  };
}

export function toAttemptRow(interactionId: string, attempt: AttemptRecord): Insertable<AttemptsTable> {
  return {
    interaction_id: interactionId,
    attempt_index: attempt.index,
    provider_id: toStorableText(attempt.providerId),
    model: toStorableText(attempt.model),
    started_at: attempt.startedAt,
    latency_ms: attempt.latencyMs,
    ttft_ms: attempt.ttftMs ?? null,
    status: attempt.status,
    error_code: toStorableText(attempt.errorCode ?? null),
    error_message: toStorableText(attempt.errorMessage ?? null),
    upstream_status: attempt.upstreamStatus ?? null,
  };
}

export function toInteractionSummary(row: InteractionSummaryRow): InteractionSummary {
  return {
    id: row.id,
    endpoint: row.endpoint as Endpoint,
    projectId: row.project_id,
    apiKeyId: row.api_key_id,
    endUser: row.end_user,
    modelRequested: row.model_requested,
    target: row.target,
    variant: row.variant,
    promptName: row.prompt_name,
    promptVersion: row.prompt_version,
    batchId: row.batch_id,
    stream: row.stream === true || row.stream === 1,
    status: row.status as InteractionStatus,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    totalTokens: row.total_tokens,
    costUsd: row.cost_usd,
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    startedAt: row.started_at,
    attemptCount: row.attempt_count,
  };
}

export function toInteractionRecord(row: InteractionRow, attempts: readonly AttemptRow[]): InteractionRecord {
  const { attemptCount: _attemptCount, ...summary } = toInteractionSummary(row);
  return {
    ...summary,
    retrievedDocuments: decodeJson(row.retrieved_documents) as unknown[],
    request: decodeJson(row.request),
    response: decodeJson(row.response),
    trace: toTraceContext(row),
    attempts: attempts.map(toAttemptRecord),
  };
}

function toAttemptRecord(row: AttemptRow): AttemptRecord {
  return {
    index: row.attempt_index,
    providerId: row.provider_id,
    model: row.model,
    startedAt: row.started_at,
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    status: row.status as AttemptRecord['status'],
    errorCode: row.error_code,
    errorMessage: row.error_message,
    upstreamStatus: row.upstream_status,
  };
}

function toTraceContext(row: InteractionRow): TraceContext | null {
  if (row.trace_id === null || row.span_id === null) return null;
  return {
    traceId: row.trace_id,
    spanId: row.span_id,
    parentSpanId: row.parent_span_id,
    sampled: row.trace_sampled === true || row.trace_sampled === 1,
  };
}
