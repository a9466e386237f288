import { randomBytes } from 'node:crypto';
import type { Kysely, Migration } from 'kysely';

/** The name of the HMAC key that turns an erased end user's id into the hash kept in `erasures`. */
export const ERASURE_SUBJECT_SECRET = 'erasure-subject';

/**
 * Retention per project and the record of end-user erasures. The erasure record keeps only an HMAC of the end
 * user's id under a key generated here, once per installation (docs/decisions/2026-12-04-erasure-record.md).
 */
export function createRetentionMigration(): Migration {
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('projects').addColumn('retention_days', 'integer').execute();

      await db.schema
        .createTable('erasures')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('at', 'bigint', (column) => column.notNull())
        .addColumn('subject_hash', 'text', (column) => column.notNull())
        .addColumn('interactions_deleted', 'integer', (column) => column.notNull())
        .addColumn('attempts_deleted', 'integer', (column) => column.notNull())
        .addColumn('requested_by', 'text', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('erasures_at').on('erasures').columns(['at desc', 'id desc']).execute();
      await db.schema.createIndex('erasures_subject').on('erasures').column('subject_hash').execute();

      await db.schema
        .createTable('installation_secrets')
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('value', 'text', (column) => column.notNull())
        .execute();
      await db
        .insertInto('installation_secrets')
        .values({ name: ERASURE_SUBJECT_SECRET, value: randomBytes(32).toString('hex') })
        .execute();
    },
  };
}
