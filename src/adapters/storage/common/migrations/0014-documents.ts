import type { Kysely, Migration } from 'kysely';
import type { DialectColumnTypes } from '../dialect-column-types.js';

/**
 * The documents catalog: collections, their documents (with a display copy of each access rule; the vector index
 * holds the copy searches enforce), ingestion runs and their items. An item keeps its uploaded bytes, base64 in a
 * text column that both dialects store alike, until a `docs.ingest` job has handled it, so that any worker of a
 * scaled-out installation can read them; its primary key (run, document) is what makes a job delivered twice
 * record one outcome.
 */
export function createDocumentsMigration(types: DialectColumnTypes): Migration {
  return {
    // Migrations see the schema as it was when they were written, not today's Database type.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('document_collections')
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('dimension', 'integer', (column) => column.notNull())
        .addColumn('embedding_model', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .execute();

      await db.schema
        .createTable('documents')
        .addColumn('collection', 'text', (column) => column.notNull())
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('title', 'text', (column) => column.notNull())
        .addColumn('source_name', 'text', (column) => column.notNull())
        .addColumn('media_type', 'text', (column) => column.notNull())
        .addColumn('bytes', 'bigint', (column) => column.notNull())
        .addColumn('content_hash', 'text', (column) => column.notNull())
        .addColumn('chunk_count', 'integer', (column) => column.notNull())
        .addColumn('access_rule', types.json, (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('error', 'text')
        .addColumn('ingested_at', 'bigint', (column) => column.notNull())
        .addColumn('ingested_by', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('documents_pk', ['collection', 'id'])
        .execute();

      await db.schema
        .createTable('ingestion_runs')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('collection', 'text', (column) => column.notNull())
        .addColumn('actor', types.json, (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .execute();

      await db.schema
        .createTable('ingestion_items')
        .addColumn('run_id', 'text', (column) => column.notNull())
        .addColumn('document_id', 'text', (column) => column.notNull())
        .addColumn('title', 'text', (column) => column.notNull())
        .addColumn('source_name', 'text', (column) => column.notNull())
        .addColumn('media_type', 'text')
        .addColumn('content', 'text', (column) => column.notNull())
        .addColumn('access_rule', types.json, (column) => column.notNull())
        .addColumn('outcome', 'text')
        .addColumn('error', 'text')
        .addColumn('finished_at', 'bigint')
        .addPrimaryKeyConstraint('ingestion_items_pk', ['run_id', 'document_id'])
        .execute();
    },
  };
}
