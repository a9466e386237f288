import { Migrator } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import { SlipwayError } from '../../../core/errors.js';
import type { Database } from './database.js';
import type { DialectColumnTypes } from './dialect-column-types.js';
import { createInitialMigration } from './migrations/0001-initial.js';
import { createTraceContextMigration } from './migrations/0002-trace-context.js';
import { createSearchMigration } from './migrations/0003-search.js';
import { createRetentionMigration } from './migrations/0004-retention.js';
import { createPeopleMigration } from './migrations/0005-people.js';
import { createRollupsMigration } from './migrations/0006-rollups.js';

export interface MigrateOptions {
  columnTypes: DialectColumnTypes;
  /** PostgreSQL schema holding Kysely's bookkeeping tables, when the store lives in its own schema. */
  migrationTableSchema?: string;
}

/**
 * Applies every migration not yet applied, in name order. Forward only: there are no down migrations, and a
 * database that has migrations this code does not know makes it throw rather than guess.
 */
export async function migrateToLatest(db: Kysely<Database>, options: MigrateOptions): Promise<void> {
  const migrations: Record<string, Migration> = {
    '0001-initial': createInitialMigration(options.columnTypes),
    '0002-trace-context': createTraceContextMigration(),
    '0003-search': createSearchMigration(options.columnTypes),
    '0004-retention': createRetentionMigration(),
    '0005-people': createPeopleMigration(options.columnTypes),
    '0006-rollups': createRollupsMigration(options.columnTypes),
  };
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    ...(options.migrationTableSchema === undefined
      ? {}
      : { migrationTableSchema: options.migrationTableSchema }),
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined)
    throw new SlipwayError('internal_error', 'Database migration failed', { cause: error });
}
