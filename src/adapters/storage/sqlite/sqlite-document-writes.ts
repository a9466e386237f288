import { SlipwayError } from '../../../core/errors.js';
import type { IngestionItem, NewIngestionRun } from '../../../ports/document-catalog.js';
import type { QueuedJob } from '../../../ports/job-queue.js';
import type { IngestionItemsTable, IngestionRunsTable } from '../common/database.js';
import { toItemRow, toRunRow } from '../common/document-rows.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { prepareOutboxInsert } from './sqlite-outbox-insert.js';
import { SQLITE_STORAGE_DIALECT } from './sqlite-storage-dialect.js';

type NewItem = Omit<IngestionItem, 'runId' | 'outcome' | 'error'>;

/**
 * The documents catalog's one multi-statement write on SQLite: an ingestion run, its items and their outbox jobs
 * in one synchronous IMMEDIATE transaction on the store's connection (the SQLite store runs no transactions
 * through Kysely).
 * @example await new SqliteDocumentWrites(connection).createIngestionRun(run, items, jobs);
 */
export class SqliteDocumentWrites {
  readonly #createRun: (run: NewIngestionRun, items: readonly NewItem[], jobs: readonly QueuedJob[]) => void;

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
  }

  createIngestionRun(
    run: NewIngestionRun,
    items: readonly NewItem[],
    jobs: readonly QueuedJob[],
  ): Promise<void> {
    return Promise.resolve().then(() => this.#createRun(run, items, jobs));
  }
}
