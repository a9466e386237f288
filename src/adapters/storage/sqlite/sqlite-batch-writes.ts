import { SlipwayError } from '../../../core/errors.js';
import type { BatchRecord, FileLine, FileRecord } from '../../../core/batch.js';
import type { BatchFinish, FileWithLines } from '../../../ports/batch-store.js';
import type { QueuedJob } from '../../../ports/job-queue.js';
import { statusChangeOf, toBatchRow, toFileRow } from '../common/batch-rows.js';
import type { BatchesTable, FilesTable } from '../common/database.js';
import { encodeJson } from '../common/json-column.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { prepareOutboxInsert } from './sqlite-outbox-insert.js';
import { SQLITE_STORAGE_DIALECT } from './sqlite-storage-dialect.js';

const placeholders = (count: number) => Array.from({ length: count }, () => '?').join(', ');

/** Runs `write`, reporting a duplicate id as `conflict`. */
function uniquely<Result>(what: string, write: () => Result): Result {
  try {
    return write();
  } catch (error) {
    if (SQLITE_STORAGE_DIALECT.constraintViolationOf(error) === 'unique') {
      throw new SlipwayError('conflict', `${what} exists`, { cause: error });
    }
    throw error;
  }
}

/**
 * The batch store's multi-statement writes on SQLite, each one synchronous IMMEDIATE transaction on the store's
 * connection (the SQLite store runs no transactions through Kysely): a file with its lines, a batch with its
 * outbox job, a batch's final status with its output files.
 * @example await new SqliteBatchWrites(connection).createBatch(batch, [planJob]);
 */
export class SqliteBatchWrites {
  readonly #writeFile: (file: FileWithLines) => void;
  readonly #deleteFile: (id: string) => boolean;
  readonly #createBatch: (batch: BatchRecord, jobs: readonly QueuedJob[]) => void;
  readonly #finishBatch: (finish: BatchFinish) => boolean;

  constructor(connection: SqliteConnection) {
    const insertFile = connection.prepare<[FilesTable]>(
      `INSERT INTO files (id, project_id, api_key_id, purpose, filename, bytes, line_count, created_at, expires_at)
       VALUES (@id, @project_id, @api_key_id, @purpose, @filename, @bytes, @line_count, @created_at, @expires_at)`,
    );
    const insertLine = connection.prepare<[string, number, string]>(
      'INSERT INTO file_lines (file_id, line_no, text) VALUES (?, ?, ?)',
    );
    const deleteFileRow = connection.prepare<[string]>('DELETE FROM files WHERE id = ?');
    const deleteLines = connection.prepare<[string]>('DELETE FROM file_lines WHERE file_id = ?');
    const insertBatch = connection.prepare<[BatchesTable]>(
      `INSERT INTO batches (id, project_id, api_key_id, endpoint, input_file_id, completion_window, status,
         total_lines, output_file_id, error_file_id, metadata, errors, created_at, expires_at, in_progress_at,
         finalizing_at, completed_at, failed_at, expired_at, cancelling_at, cancelled_at)
       VALUES (@id, @project_id, @api_key_id, @endpoint, @input_file_id, @completion_window, @status,
         @total_lines, @output_file_id, @error_file_id, @metadata, @errors, @created_at, @expires_at,
         @in_progress_at, @finalizing_at, @completed_at, @failed_at, @expired_at, @cancelling_at, @cancelled_at)`,
    );
    const insertOutbox = prepareOutboxInsert(connection);

    const writeFile = ({ file, lines }: FileWithLines) => {
      uniquely(`A file with id ${file.id}`, () => insertFile.run(toFileRow(file)));
      for (const line of lines) insertLine.run(file.id, line.lineNo, line.text);
    };
    this.#writeFile = connection.transaction('immediate', writeFile);
    this.#deleteFile = connection.transaction('immediate', (id: string) => {
      deleteLines.run(id);
      return deleteFileRow.run(id).changes > 0;
    });
    this.#createBatch = connection.transaction(
      'immediate',
      (batch: BatchRecord, jobs: readonly QueuedJob[]) => {
        uniquely(`A batch with id ${batch.id}`, () => insertBatch.run(toBatchRow(batch)));
        insertOutbox(jobs, batch.createdAt);
      },
    );
    this.#finishBatch = connection.transaction('immediate', (finish: BatchFinish) => {
      if (finish.from.length === 0) return false;
      const change = {
        ...statusChangeOf(finish),
        output_file_id: finish.outputFile?.file.id ?? null,
        error_file_id: finish.errorFile?.file.id ?? null,
        ...(finish.errors === undefined ? {} : { errors: encodeJson(finish.errors) ?? '[]' }),
      };
      const names = Object.keys(change);
      // Built per call: which time column a status sets varies; the statement is small and cached by SQLite.
      const update = connection.prepare<unknown[]>(
        `UPDATE batches SET ${names.map((name) => `${name} = ?`).join(', ')}
         WHERE id = ? AND status IN (${placeholders(finish.from.length)})`,
      );
      if (update.run(...Object.values(change), finish.batchId, ...finish.from).changes === 0) return false;
      if (finish.outputFile !== null) writeFile(finish.outputFile);
      if (finish.errorFile !== null) writeFile(finish.errorFile);
      return true;
    });
  }

  insertFile(file: FileRecord, lines: readonly FileLine[]): Promise<void> {
    return Promise.resolve().then(() => this.#writeFile({ file, lines }));
  }

  deleteFile(id: string): Promise<boolean> {
    return Promise.resolve().then(() => this.#deleteFile(id));
  }

  createBatch(batch: BatchRecord, jobs: readonly QueuedJob[]): Promise<void> {
    return Promise.resolve().then(() => this.#createBatch(batch, jobs));
  }

  /** True when the batch moved (and its files were written); the caller reads it back. */
  finishBatch(finish: BatchFinish): Promise<boolean> {
    return Promise.resolve().then(() => this.#finishBatch(finish));
  }
}
