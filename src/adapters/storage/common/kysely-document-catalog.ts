import { type Kysely, sql } from 'kysely';
import type { AccessRule } from '../../../core/access/access-rule.js';
import type { CollectionRecord, DocumentRecord, IngestionRun } from '../../../core/documents/document.js';
import { SlipwayError } from '../../../core/errors.js';
import type {
  DocumentCatalog,
  IngestionActor,
  IngestionItem,
  NewIngestionRun,
} from '../../../ports/document-catalog.js';
import type { QueuedJob } from '../../../ports/job-queue.js';
import type { Database } from './database.js';
import {
  toCollectionRecord,
  toCollectionRow,
  toDocumentRecord,
  toDocumentRow,
  toIngestionItem,
  toIngestionRun,
  toItemRow,
  toRunRow,
} from './document-rows.js';
import { insertOutboxJobs } from './insert-outbox-jobs.js';
import { encodeJson } from './json-column.js';
import { runTransaction } from './run-transaction.js';
import type { StorageDialect } from './storage-dialect.js';

/**
 * The documents catalog on either dialect; the SQLite store replaces `createIngestionRun` and
 * `finishIngestionItem`, its multi-statement writes, with synchronous ones.
 */
export class KyselyDocumentCatalog implements DocumentCatalog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StorageDialect,
  ) {}

  async createCollection(collection: CollectionRecord): Promise<void> {
    try {
      await this.db.insertInto('document_collections').values(toCollectionRow(collection)).execute();
    } catch (error) {
      if (this.dialect.constraintViolationOf(error) === 'unique') {
        throw new SlipwayError('conflict', `A collection named "${collection.name}" exists`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  async getCollection(name: string): Promise<CollectionRecord | null> {
    const row = await this.db
      .selectFrom('document_collections')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row === undefined ? null : toCollectionRecord(row);
  }

  async listCollections(): Promise<CollectionRecord[]> {
    const rows = await this.db.selectFrom('document_collections').selectAll().orderBy('name').execute();
    return rows.map(toCollectionRecord);
  }

  async putDocument(document: DocumentRecord): Promise<void> {
    await upsertDocument(this.db, document);
  }

  async getDocument(collection: string, id: string): Promise<DocumentRecord | null> {
    const row = await this.db
      .selectFrom('documents')
      .selectAll()
      .where('collection', '=', collection)
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : toDocumentRecord(row);
  }

  async listDocuments(query: {
    collection: string;
    limit: number;
    after?: string;
  }): Promise<DocumentRecord[]> {
    let select = this.db.selectFrom('documents').selectAll().where('collection', '=', query.collection);
    if (query.after !== undefined) select = select.where('id', '>', query.after);
    const rows = await select.orderBy('id').limit(query.limit).execute();
    return rows.map(toDocumentRecord);
  }

  async deleteDocument(collection: string, id: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('documents')
      .where('collection', '=', collection)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  async setDocumentRule(collection: string, id: string, rule: AccessRule): Promise<boolean> {
    const result = await this.db
      .updateTable('documents')
      .set({ access_rule: encodeJson(rule) ?? '{}' })
      .where('collection', '=', collection)
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async createIngestionRun(
    run: NewIngestionRun,
    items: ReadonlyArray<Omit<IngestionItem, 'runId' | 'outcome' | 'error'>>,
    jobs: readonly QueuedJob[],
  ): Promise<void> {
    await runTransaction(this.db, async (transaction) => {
      try {
        await transaction.insertInto('ingestion_runs').values(toRunRow(run)).execute();
      } catch (error) {
        if (this.dialect.constraintViolationOf(error) === 'unique') {
          throw new SlipwayError('conflict', `An ingestion run with id ${run.id} exists`, { cause: error });
        }
        throw error;
      }
      // One row per statement: an item can be large, and the parameter limit is no concern this way.
      for (const item of items) {
        await transaction.insertInto('ingestion_items').values(toItemRow(run.id, item)).execute();
      }
      await insertOutboxJobs(transaction, jobs, run.createdAt);
      return { result: undefined, commit: true };
    });
  }

  async getIngestionRun(id: string): Promise<(IngestionRun & { actor: IngestionActor }) | null> {
    const row = await this.db
      .selectFrom('ingestion_runs')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) return null;
    const counts = await this.db
      .selectFrom('ingestion_items')
      .select((select) => [
        select.fn.countAll().as('total'),
        select.fn.sum<number>(sql`case when outcome = 'done' then 1 else 0 end`).as('done'),
        select.fn.sum<number>(sql`case when outcome = 'failed' then 1 else 0 end`).as('failed'),
        select.fn.sum<number>(sql`case when outcome = 'cancelled' then 1 else 0 end`).as('cancelled'),
        select.fn.max('finished_at').as('last'),
      ])
      .where('run_id', '=', id)
      .executeTakeFirstOrThrow();
    return toIngestionRun(row, counts);
  }

  async getIngestionItem(runId: string, documentId: string): Promise<IngestionItem | null> {
    const row = await this.db
      .selectFrom('ingestion_items')
      .selectAll()
      .where('run_id', '=', runId)
      .where('document_id', '=', documentId)
      .executeTakeFirst();
    return row === undefined ? null : toIngestionItem(row);
  }

  async finishIngestionItem(outcome: {
    runId: string;
    documentId: string;
    outcome: 'done' | 'failed';
    error: string | null;
    at: number;
    document?: DocumentRecord;
  }): Promise<boolean> {
    const { document } = outcome;
    return runTransaction(this.db, async (transaction) => {
      // The item first: its row lock is what a concurrent cancel waits for, so that the cancel then finds it
      // handled and the deletion that follows removes the document written here.
      const result = await transaction
        .updateTable('ingestion_items')
        .set({ outcome: outcome.outcome, error: outcome.error, finished_at: outcome.at, content: '' })
        .where('run_id', '=', outcome.runId)
        .where('document_id', '=', outcome.documentId)
        .where('outcome', 'is', null)
        .executeTakeFirst();
      const recorded = result.numUpdatedRows > 0n;
      if (recorded && document !== undefined) await upsertDocument(transaction, document);
      return { result: recorded, commit: true };
    });
  }

  async cancelIngestionItems(document: {
    collection: string;
    documentId: string;
    at: number;
  }): Promise<number> {
    const result = await this.db
      .updateTable('ingestion_items')
      .set({ outcome: 'cancelled', finished_at: document.at, content: '' })
      .where('document_id', '=', document.documentId)
      .where('outcome', 'is', null)
      .where('run_id', 'in', (select) =>
        select.selectFrom('ingestion_runs').select('id').where('collection', '=', document.collection),
      )
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}

/** Creates or replaces a document row, keyed by (collection, id). */
async function upsertDocument(db: Kysely<Database>, document: DocumentRecord): Promise<void> {
  const row = toDocumentRow(document);
  const { collection: _collection, id: _id, ...changes } = row;
  await db
    .insertInto('documents')
    .values(row)
    .onConflict((conflict) => conflict.columns(['collection', 'id']).doUpdateSet(changes))
    .execute();
}
