import { SlipwayError } from '../../../core/errors.js';
import type { DocumentCatalog, IngestionItem, NewIngestionRun } from '../../../ports/document-catalog.js';
import type { QueuedJob } from '../../../ports/job-queue.js';
import type { DocumentsTable, IngestionItemsTable, IngestionRunsTable } from '../common/database.js';
import { toDocumentRow, toItemRow, toRunRow } from '../common/document-rows.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { prepareOutboxInsert } from './sqlite-outbox-insert.js';
import { SQLITE_STORAGE_DIALECT } from './sqlite-storage-dialect.js';

type NewItem = Omit<IngestionItem, 'runId' | 'outcome' | 'error'>;
type ItemFinish = Parameters<DocumentCatalog['finishIngestionItem']>[0];

/**
 * The documents catalog's multi-statement writes on SQLite, each one synchronous IMMEDIATE transaction on the
 * store's connection (the SQLite store runs no transactions through Kysely): an ingestion run with its items and
 * their outbox jobs, and an item's outcome with the document it indexed.
 * @example await new SqliteDocumentWrites(connection).createIngestionRun(run, items, jobs);
 */
export class SqliteDocumentWrites {
  readonly #createRun: (run: NewIngestionRun, items: readonly NewItem[], jobs: readonly QueuedJob[]) => void;
  readonly #finishItem: (finish: ItemFinish) => boolean;

  constructor(connection: SqliteConnection) {
    const insertRun = connection.prepare<[IngestionRunsTable]>(
      'INSERT INTO ingestion_runs (id, collection, actor, created_at) VALUES (@id, @collection, @actor, @created_at)',
    );
    const insertItem = connection.prepare<[IngestionItemsTable]>(
      `INSERT INTO ingestion_items (run_id, document_id, title, source_name, media_type, content, access_rule,
         outcome, error, finished_at)
       VALUES (@run_id, @document_id, @title, @source_name, @media_type, @content, @access_rule, @outcome, @error,
         @finished_at)`,
    );
    const insertOutbox = prepareOutboxInsert(connection);
    this.#createRun = connection.transaction('immediate', (run, items, jobs) => {
      try {
        insertRun.run(toRunRow(run));
      } catch (error) {
        if (SQLITE_STORAGE_DIALECT.constraintViolationOf(error) === 'unique') {
          throw new SlipwayError('conflict', `An ingestion run with id ${run.id} exists`, { cause: error });
        }
        throw error;
      }
      for (const item of items) insertItem.run(toItemRow(run.id, item));
      insertOutbox(jobs, run.createdAt);
    });

    const finishItem = connection.prepare<
      [Pick<IngestionItemsTable, 'run_id' | 'document_id' | 'outcome' | 'error' | 'finished_at'>]
    >(
      `UPDATE ingestion_items SET outcome = @outcome, error = @error, finished_at = @finished_at, content = ''
       WHERE run_id = @run_id AND document_id = @document_id AND outcome IS NULL`,
    );
    const upsertDocument = connection.prepare<[DocumentsTable]>(
      `INSERT INTO documents (collection, id, title, source_name, media_type, bytes, content_hash, chunk_count,
         access_rule, status, error, ingested_at, ingested_by)
       VALUES (@collection, @id, @title, @source_name, @media_type, @bytes, @content_hash, @chunk_count,
         @access_rule, @status, @error, @ingested_at, @ingested_by)
       ON CONFLICT (collection, id) DO UPDATE SET title = excluded.title, source_name = excluded.source_name,
         media_type = excluded.media_type, bytes = excluded.bytes, content_hash = excluded.content_hash,
         chunk_count = excluded.chunk_count, access_rule = excluded.access_rule, status = excluded.status,
         error = excluded.error, ingested_at = excluded.ingested_at, ingested_by = excluded.ingested_by`,
    );
    this.#finishItem = connection.transaction('immediate', (finish: ItemFinish) => {
      const recorded =
        finishItem.run({
          run_id: finish.runId,
          document_id: finish.documentId,
          outcome: finish.outcome,
          error: finish.error,
          finished_at: finish.at,
        }).changes > 0;
      if (recorded && finish.document !== undefined) upsertDocument.run(toDocumentRow(finish.document));
      return recorded;
    });
  }

  createIngestionRun(
    run: NewIngestionRun,
    items: readonly NewItem[],
    jobs: readonly QueuedJob[],
  ): Promise<void> {
    return Promise.resolve().then(() => this.#createRun(run, items, jobs));
  }

  finishIngestionItem(finish: ItemFinish): Promise<boolean> {
    return Promise.resolve().then(() => this.#finishItem(finish));
  }
}
