import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { DialectColumnTypes } from '../dialect-column-types.js';

/**
 * SQLite's full-text index of the log is fed by the interaction appender in the batch's own transaction
 * (src/adapters/storage/sqlite/sqlite-interaction-appender.ts), no longer by a row trigger: running the index
 * insert as a trigger program cost about 68 µs of the 165 µs a row took to store, more than the indexing itself
 * (measured with better-sqlite3 on rows of the gateway bench). The appender is the only writer of the log on
 * SQLite (as for the rollups, migration 0011). The delete and update triggers stay, so retention and erasure still
 * keep the index in step without knowing about it. PostgreSQL's generated tsvector column is unchanged.
 */
export function createSqliteSearchIndexByAppenderMigration(types: DialectColumnTypes): Migration {
  const dialect = types.json === 'jsonb' ? 'postgres' : 'sqlite';
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      if (dialect === 'sqlite') await sql`DROP TRIGGER IF EXISTS interactions_fts_insert`.execute(db);
    },
  };
}
