import type { Kysely, Migration } from 'kysely';
import type { DialectColumnTypes } from '../dialect-column-types.js';

/**
 * Files kept whole, and the vector stores they were added to. `file_blobs` holds the bytes of `/v1/files`
 * uploads with purpose `assistants` or `user_data` (PDF, DOCX, …), base64 in a text column that both dialects
 * store alike, beside their `files` row. `vector_store_files` records each file added to a collection through
 * `/v1/vector_stores/{id}/files` and the ingestion run that indexes it.
 */
export function createFileBlobsMigration(types: DialectColumnTypes): Migration {
  return {
    // Migrations see the schema as it was when they were written, not today's Database type.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('file_blobs')
        .addColumn('file_id', 'text', (column) => column.primaryKey())
        .addColumn('content', 'text', (column) => column.notNull())
        .execute();

      await db.schema
        .createTable('vector_store_files')
        .addColumn('collection', 'text', (column) => column.notNull())
        .addColumn('file_id', 'text', (column) => column.notNull())
        .addColumn('run_id', 'text', (column) => column.notNull())
        .addColumn('attributes', types.json, (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addPrimaryKeyConstraint('vector_store_files_pk', ['collection', 'file_id'])
        .execute();
      await db.schema
        .createIndex('vector_store_files_file')
        .on('vector_store_files')
        .column('file_id')
        .execute();
    },
  };
}
