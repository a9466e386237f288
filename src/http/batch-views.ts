import type { BatchView, FileRecord } from '../core/batch.js';

const seconds = (ms: number): number => Math.floor(ms / 1000);
const optionalSeconds = (ms: number | null): number | null => (ms === null ? null : seconds(ms));

/** A file as OpenAI's `/v1/files` shows it (times in seconds). */
export function fileObjectOf(file: FileRecord) {
  return {
    id: file.id,
    object: 'file' as const,
    bytes: file.bytes,
    created_at: seconds(file.createdAt),
    expires_at: optionalSeconds(file.expiresAt),
    filename: file.filename,
    purpose: file.purpose,
    // Files are checked on upload, so every stored file is processed.
    status: 'processed' as const,
    status_details: null,
  };
}

/** A batch as OpenAI's `/v1/batches` shows it (times in seconds). */
export function batchObjectOf(batch: BatchView) {
  return {
    id: batch.id,
    object: 'batch' as const,
    endpoint: batch.endpoint,
    errors:
      batch.errors.length === 0
        ? null
        : { object: 'list' as const, data: batch.errors.map((error) => ({ ...error, param: null })) },
    input_file_id: batch.inputFileId,
    completion_window: batch.completionWindow,
    status: batch.status,
    output_file_id: batch.outputFileId,
    error_file_id: batch.errorFileId,
    created_at: seconds(batch.createdAt),
    in_progress_at: optionalSeconds(batch.inProgressAt),
    expires_at: seconds(batch.expiresAt),
    finalizing_at: optionalSeconds(batch.finalizingAt),
    completed_at: optionalSeconds(batch.completedAt),
    failed_at: optionalSeconds(batch.failedAt),
    expired_at: optionalSeconds(batch.expiredAt),
    cancelling_at: optionalSeconds(batch.cancellingAt),
    cancelled_at: optionalSeconds(batch.cancelledAt),
    request_counts: batch.requestCounts,
    metadata: batch.metadata,
  };
}

/** OpenAI's list envelope, for cursor paging with `after`. */
export function listObjectOf<Item extends { id: string }>(data: Item[], hasMore: boolean) {
  return {
    object: 'list' as const,
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: hasMore,
  };
}
