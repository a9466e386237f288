import type {
  BatchError,
  BatchLineResult,
  BatchRecord,
  BatchStatus,
  BatchView,
  FileLine,
  FilePurpose,
  FileRecord,
} from '../core/batch.js';
import type { QueuedJob } from './job-queue.js';

/** A file to write along with a batch's final status: its record and its lines. */
export interface FileWithLines {
  file: FileRecord;
  lines: readonly FileLine[];
}

/** A compare-and-move of a batch's status; the status's own `…At` column is set to `at`. */
export interface BatchMove {
  batchId: string;
  /** The move happens only if the batch is in one of these statuses. */
  from: readonly BatchStatus[];
  to: BatchStatus;
  at: number;
}

/** The end of a batch: its final status, the files written, and errors about the batch as a whole. */
export interface BatchFinish extends BatchMove {
  to: 'completed' | 'expired' | 'cancelled' | 'failed';
  outputFile: FileWithLines | null;
  errorFile: FileWithLines | null;
  errors?: readonly BatchError[];
}

/** Results of a batch's lines so far, by outcome. */
export interface BatchResultCounts {
  completed: number;
  failed: number;
  skipped: number;
}

/** A page, newest first, starting after the id `after` (OpenAI's paging). */
export interface PageQuery {
  after?: string;
  /** 1..100. */
  limit: number;
}

/**
 * Files and batches of the OpenAI Batch API, and the result of each batch line.
 *
 * Contract (test/contract/batch-store.contract.ts runs it on SQLite and PostgreSQL):
 * - Ids are unique: inserting a file or a batch whose id exists throws `conflict`.
 * - `createBatch` writes the batch and hands `jobs` to the transactional outbox in one transaction: both or
 *   neither.
 * - Listings are newest first (`createdAt` desc, then id desc); `after` names the last item of the previous page
 *   (an unknown id gives an empty page).
 * - `moveBatch` and `finishBatch` change a batch only if its status is one of `from`, atomically, and return the
 *   batch as it is afterwards, or null when it was not moved (not found, or in another status). `finishBatch`
 *   writes its files in the same transaction, so that a batch that is finished has its files.
 * - `recordBatchResults` keeps the first result of each (batch, line) and ignores later ones, so that a line
 *   delivered twice has one result; it returns how many were new.
 * - `deleteFile` removes a file and its lines, and returns false when there was no such file.
 * @example await store.createBatch(batch, [{ id: `batch-plan:${batch.id}`, name: 'batch.plan', payload: { batchId: batch.id } }]);
 */
export interface BatchStore {
  insertFile(file: FileRecord, lines: readonly FileLine[]): Promise<void>;
  getFile(id: string): Promise<FileRecord | null>;
  listFiles(query: PageQuery & { projectId: string; purpose?: FilePurpose }): Promise<FileRecord[]>;
  /** Lines in order, from the first after `afterLine`. */
  readFileLines(query: { fileId: string; afterLine: number; limit: number }): Promise<FileLine[]>;
  deleteFile(id: string): Promise<boolean>;
  createBatch(batch: BatchRecord, jobs: readonly QueuedJob[]): Promise<void>;
  getBatch(id: string): Promise<BatchView | null>;
  /** Every project's batches when `projectId` is absent (admins, the dashboard). */
  listBatches(query: PageQuery & { projectId?: string }): Promise<BatchView[]>;
  /** Unfinished batches (not failed, completed, expired or cancelled) whose `expiresAt` is at or before `at`. */
  listExpiredBatches(query: { at: number; limit: number }): Promise<BatchRecord[]>;
  moveBatch(move: BatchMove): Promise<BatchView | null>;
  finishBatch(finish: BatchFinish): Promise<BatchView | null>;
  recordBatchResults(results: readonly BatchLineResult[]): Promise<number>;
  countBatchResults(batchId: string): Promise<BatchResultCounts>;
  /** Whether the line has a result already (its job was delivered before). */
  hasBatchResult(batchId: string, lineNo: number): Promise<boolean>;
  /** Results in line order, from the first after `afterLine`. */
  listBatchResults(query: { batchId: string; afterLine: number; limit: number }): Promise<BatchLineResult[]>;
}
