import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { DialectColumnTypes } from '../dialect-column-types.js';

/**
 * SQLite's rollups move from a row trigger (six upserts for every interaction stored) to one grouped upsert per
 * level and per batch, run by the interaction appender in the batch's own transaction
 * (src/adapters/storage/sqlite/sqlite-interaction-appender.ts). The appender is the only writer of the log on
 * SQLite. PostgreSQL keeps its statement trigger, which already aggregates each batch.
 */
export function createSqliteRollupsPerBatchMigration(types: DialectColumnTypes): Migration {
  const dialect = types.json === 'jsonb' ? 'postgres' : 'sqlite';
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      if (dialect === 'sqlite') await sql`DROP TRIGGER IF EXISTS stats_rollups_after_insert`.execute(db);
    },
  };
}
