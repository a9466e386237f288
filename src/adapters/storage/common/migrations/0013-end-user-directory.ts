import type { Kysely, Migration } from 'kysely';
import type { DialectColumnTypes } from '../dialect-column-types.js';

/**
 * Slipway's own directory of end users and groups, and the API-key permission to name an end user. Groups and
 * roles are JSON lists on the user, so that replacing an entry is one statement (nothing can see it half
 * written); the group table holds the known groups and their descriptions.
 */
export function createEndUserDirectoryMigration(types: DialectColumnTypes): Migration {
  return {
    // Migrations see the schema as it was when they were written, not today's Database type.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('end_users')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('groups', types.json, (column) => column.notNull())
        .addColumn('roles', types.json, (column) => column.notNull())
        .addColumn('clearance', 'text')
        .addColumn('disabled', 'boolean', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .execute();
      await db.schema
        .createTable('end_user_groups')
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('description', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .execute();
      // Existing keys keep what they could do: naming an end user is a permission granted explicitly.
      await db.schema
        .alterTable('api_keys')
        .addColumn('act_as_end_user', 'boolean', (column) => column.notNull().defaultTo(false))
        .execute();
    },
  };
}
