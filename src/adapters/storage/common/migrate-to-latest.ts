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
import { createPromptsMigration } from './migrations/0007-prompts.js';
import { createJobOutboxMigration } from './migrations/0008-job-outbox.js';
import { createBatchesMigration } from './migrations/0009-batches.js';
import { createSqliteRollupsPerBatchMigration } from './migrations/0011-sqlite-rollups-per-batch.js';
import { createWorkerHeartbeatsMigration } from './migrations/0010-worker-heartbeats.js';
import { createAuditChainMigration } from './migrations/0012-audit-chain.js';
import { createEndUserDirectoryMigration } from './migrations/0013-end-user-directory.js';
import { createDocumentsMigration } from './migrations/0014-documents.js';
import { createSharedBreakersMigration } from './migrations/0015-shared-breakers.js';
import { createFileBlobsMigration } from './migrations/0016-file-blobs.js';
import { createUnfinishedIngestionItemsMigration } from './migrations/0017-unfinished-ingestion-items.js';
import { createSqliteSearchIndexByAppenderMigration } from './migrations/0018-sqlite-search-index-by-appender.js';

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
  const migrations = storeMigrations(options);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(migrations) },
    ...(options.migrationTableSchema === undefined
      ? {}
      : { migrationTableSchema: options.migrationTableSchema }),
  });
  for (let attempt = 1; ; attempt += 1) {
    const { error } = await migrator.migrateToLatest();
    if (error === undefined) return;
    if (attempt < INTROSPECTION_ATTEMPTS && isSchemaDroppedMeanwhile(error)) continue;
    throw new SlipwayError('internal_error', 'Database migration failed', { cause: error });
  }
}

const INTROSPECTION_ATTEMPTS = 3;

/**
 * Kysely's migrator lists every table of the database to find its own, calling `has_schema_privilege` on each
 * schema by name: a schema another session drops during that listing fails it with 3F000 (invalid_schema_name),
 * though nothing is wrong with ours. That listing runs before any migration, and PostgreSQL runs the migrations in
 * one transaction anyway, so a failed run left nothing behind and simply runs again.
 */
function isSchemaDroppedMeanwhile(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '3F000';
}

/** Every migration of the store by name; Kysely applies them in name order. */
export function storeMigrations(options: Pick<MigrateOptions, 'columnTypes'>): Record<string, Migration> {
  return {
    '0001-initial': createInitialMigration(options.columnTypes),
    '0002-trace-context': createTraceContextMigration(),
    '0003-search': createSearchMigration(options.columnTypes),
    '0004-retention': createRetentionMigration(),
    '0005-people': createPeopleMigration(options.columnTypes),
    '0006-rollups': createRollupsMigration(options.columnTypes),
    '0007-prompts': createPromptsMigration(options.columnTypes),
    '0008-job-outbox': createJobOutboxMigration(options.columnTypes),
    '0009-batches': createBatchesMigration(options.columnTypes),
    '0010-worker-heartbeats': createWorkerHeartbeatsMigration(options.columnTypes),
    '0011-sqlite-rollups-per-batch': createSqliteRollupsPerBatchMigration(options.columnTypes),
    '0012-audit-chain': createAuditChainMigration(),
    '0013-end-user-directory': createEndUserDirectoryMigration(options.columnTypes),
    '0014-documents': createDocumentsMigration(options.columnTypes),
    '0015-shared-breakers': createSharedBreakersMigration(),
    '0016-file-blobs': createFileBlobsMigration(options.columnTypes),
    '0017-unfinished-ingestion-items': createUnfinishedIngestionItemsMigration(),
    '0018-sqlite-search-index-by-appender': createSqliteSearchIndexByAppenderMigration(options.columnTypes),
  };
}
