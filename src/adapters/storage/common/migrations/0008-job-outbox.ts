import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { DialectColumnTypes } from '../dialect-column-types.js';

/** The transactional outbox: jobs written with the rows that asked for them, published to the queue later. */
export function createJobOutboxMigration(types: DialectColumnTypes): Migration {
  return {
    // Migrations see the schema as it was when they were written, not today's Database type.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('job_outbox')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('payload', types.json, (column) => column.notNull())
        .addColumn('max_attempts', 'integer')
        .addColumn('not_before', 'bigint')
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('published_at', 'bigint')
        .execute();
      // The relay reads the unpublished jobs oldest first; once published, a row leaves this partial index.
      await db.schema
        .createIndex('job_outbox_unpublished')
        .on('job_outbox')
        .columns(['created_at', 'id'])
        .where(sql.ref('published_at'), 'is', null)
        .execute();
      await db.schema
        .createIndex('job_outbox_published_at')
        .on('job_outbox')
        .column('published_at')
        .execute();
    },
  };
}
