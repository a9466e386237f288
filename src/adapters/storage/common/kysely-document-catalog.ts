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

/** The documents catalog on either dialect; the SQLite store replaces `createIngestionRun` with a synchronous one. */
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
    const row = toDocumentRow(document);
    const { collection: _collection, id: _id, ...changes } = row;
    await this.db
      .insertInto('documents')
      .values(row)
      .onConflict((conflict) => conflict.columns(['collection', 'id']).doUpdateSet(changes))
      .execute();
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
  }): Promise<boolean> {
    const result = await this.db
      .updateTable('ingestion_items')
      .set({ outcome: outcome.outcome, error: outcome.error, finished_at: outcome.at, content: '' })
      .where('run_id', '=', outcome.runId)
      .where('document_id', '=', outcome.documentId)
      .where('outcome', 'is', null)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}
