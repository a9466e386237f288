import type { Kysely, Selectable } from 'kysely';
import type {
  BatchError,
  BatchLineResult,
  BatchRecord,
  BatchStatus,
  FileRecord,
} from '../../../core/batch.js';
import type { BatchMove } from '../../../ports/batch-store.js';
import type { BatchResultsTable, BatchesTable, Database, FilesTable } from './database.js';
import { decodeJson, encodeJson } from './json-column.js';

type TimeColumn =
  | 'in_progress_at'
  | 'finalizing_at'
  | 'completed_at'
  | 'failed_at'
  | 'expired_at'
  | 'cancelling_at'
  | 'cancelled_at';

/** The column recording when a batch reached each status; `validating` is its creation. */
const TIME_COLUMN_OF: Record<BatchStatus, TimeColumn | null> = {
  validating: null,
  in_progress: 'in_progress_at',
  finalizing: 'finalizing_at',
  completed: 'completed_at',
  failed: 'failed_at',
  expired: 'expired_at',
  cancelling: 'cancelling_at',
  cancelled: 'cancelled_at',
};

/** The columns a status move sets: the status and the time it was reached. */
export function statusChangeOf(move: BatchMove): Partial<BatchesTable> {
  const timeColumn = TIME_COLUMN_OF[move.to];
  return { status: move.to, ...(timeColumn === null ? {} : { [timeColumn]: move.at }) };
}

/**
 * Compare-and-move of a batch's status in one UPDATE (through `db`, a transaction or not); false when the batch
 * is missing or in a status other than `move.from`.
 */
export async function updateBatchStatus(
  db: Kysely<Database>,
  move: BatchMove,
  extra: Partial<Pick<BatchesTable, 'output_file_id' | 'error_file_id' | 'errors'>>,
): Promise<boolean> {
  if (move.from.length === 0) return false;
  const result = await db
    .updateTable('batches')
    .set({ ...statusChangeOf(move), ...extra })
    .where('id', '=', move.batchId)
    .where('status', 'in', [...move.from])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export function toFileRow(file: FileRecord): FilesTable {
  return {
    id: file.id,
    project_id: file.projectId,
    api_key_id: file.apiKeyId,
    purpose: file.purpose,
    filename: file.filename,
    bytes: file.bytes,
    line_count: file.lineCount,
    created_at: file.createdAt,
    expires_at: file.expiresAt,
  };
}

export function toFileRecord(row: Selectable<FilesTable>): FileRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    apiKeyId: row.api_key_id,
    purpose: row.purpose as FileRecord['purpose'],
    filename: row.filename,
    bytes: row.bytes,
    lineCount: row.line_count,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

export function toBatchRow(batch: BatchRecord): BatchesTable {
  return {
    id: batch.id,
    project_id: batch.projectId,
    api_key_id: batch.apiKeyId,
    endpoint: batch.endpoint,
    input_file_id: batch.inputFileId,
    completion_window: batch.completionWindow,
    status: batch.status,
    total_lines: batch.totalLines,
    output_file_id: batch.outputFileId,
    error_file_id: batch.errorFileId,
    metadata: batch.metadata === null ? null : encodeJson(batch.metadata),
    errors: encodeJson(batch.errors) ?? '[]',
    created_at: batch.createdAt,
    expires_at: batch.expiresAt,
    in_progress_at: batch.inProgressAt,
    finalizing_at: batch.finalizingAt,
    completed_at: batch.completedAt,
    failed_at: batch.failedAt,
    expired_at: batch.expiredAt,
    cancelling_at: batch.cancellingAt,
    cancelled_at: batch.cancelledAt,
  };
}

export function toBatchRecord(row: Selectable<BatchesTable>): BatchRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    apiKeyId: row.api_key_id,
    endpoint: row.endpoint as BatchRecord['endpoint'],
    inputFileId: row.input_file_id,
    completionWindow: row.completion_window as BatchRecord['completionWindow'],
    status: row.status as BatchStatus,
    totalLines: row.total_lines,
    outputFileId: row.output_file_id,
    errorFileId: row.error_file_id,
    metadata: decodeJson(row.metadata) as Record<string, string> | null,
    errors: decodeJson(row.errors) as BatchError[],
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    inProgressAt: row.in_progress_at,
    finalizingAt: row.finalizing_at,
    completedAt: row.completed_at,
    failedAt: row.failed_at,
    expiredAt: row.expired_at,
    cancellingAt: row.cancelling_at,
    cancelledAt: row.cancelled_at,
  };
}

export function toResultRow(result: BatchLineResult): BatchResultsTable {
  return {
    batch_id: result.batchId,
    line_no: result.lineNo,
    id: result.id,
    custom_id: result.customId,
    outcome: result.outcome,
    response: encodeJson(result.response),
    error: encodeJson(result.error),
    at: result.at,
  };
}

export function toBatchLineResult(row: Selectable<BatchResultsTable>): BatchLineResult {
  return {
    batchId: row.batch_id,
    lineNo: row.line_no,
    id: row.id,
    customId: row.custom_id,
    outcome: row.outcome as BatchLineResult['outcome'],
    response: decodeJson(row.response) as BatchLineResult['response'],
    error: decodeJson(row.error) as BatchLineResult['error'],
    at: row.at,
  };
}
