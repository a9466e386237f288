import type { Kysely, Migration } from 'kysely';
import type { DialectColumnTypes } from '../dialect-column-types.js';

/** People who sign in to the dashboard, their sessions, and the audit log. */
export function createPeopleMigration(types: DialectColumnTypes): Migration {
  return {
    // Migrations see the schema as it was when they were written, not today's Database type.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      // The store lower-cases e-mails, so a plain unique constraint is unique case-insensitively on both dialects.
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('email', 'text', (column) => column.notNull().unique())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('role', 'text', (column) => column.notNull())
        .addColumn('password_hash', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('disabled_at', 'bigint')
        .addColumn('last_sign_in_at', 'bigint')
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('token_hash', 'text', (column) => column.notNull().unique())
        .addColumn('user_id', 'text', (column) => column.notNull().references('users.id'))
        .addColumn('csrf_token', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('last_seen_at', 'bigint', (column) => column.notNull())
        .addColumn('expires_at', 'bigint', (column) => column.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
      await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();

      // No foreign keys: the audit log outlives the users and keys it names.
      await db.schema
        .createTable('audit_events')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('at', 'bigint', (column) => column.notNull())
        .addColumn('actor_kind', 'text', (column) => column.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('actor_label', 'text', (column) => column.notNull())
        .addColumn('action', 'text', (column) => column.notNull())
        .addColumn('target', 'text')
        .addColumn('outcome', 'text', (column) => column.notNull())
        .addColumn('detail', types.json, (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('audit_events_at')
        .on('audit_events')
        .columns(['at desc', 'id desc'])
        .execute();
      await db.schema
        .createIndex('audit_events_action')
        .on('audit_events')
        .columns(['action', 'at desc', 'id desc'])
        .execute();
    },
  };
}
