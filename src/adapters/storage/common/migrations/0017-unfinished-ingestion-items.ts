import { type Kysely, type Migration, sql } from 'kysely';

/**
 * Deleting a document cancels its unfinished ingestion items, found by document id; the items' primary key
 * leads with the run, and handled items stay (their outcomes are the runs' progress), so without this partial
 * index each deletion would read every item ever ingested. An item leaves the index once it has an outcome.
 */
export function createUnfinishedIngestionItemsMigration(): Migration {
  return {
    // Migrations see the schema as it was when they were written, not today's Database type.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createIndex('ingestion_items_unfinished')
        .on('ingestion_items')
        .column('document_id')
        .where(sql.ref('outcome'), 'is', null)
        .execute();
    },
  };
}
