import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { SlipwayError } from '../../../core/errors.js';
import type { Store } from '../../../ports/store.js';
import type { Database } from '../common/database.js';
import { createKyselyStore } from '../common/kysely-store.js';
import { migrateToLatest } from '../common/migrate-to-latest.js';
import { PostgresInteractionAppender } from './postgres-interaction-appender.js';
import { POSTGRES_STORAGE_DIALECT } from './postgres-storage-dialect.js';
import { POSTGRES_TYPE_PARSERS } from './postgres-type-parsers.js';

interface PostgresStoreOptions {
  /** A libpq connection URL, e.g. `postgres://slipway@db:5432/slipway`. */
  url: string;
  /** A schema of its own (created when missing), e.g. to isolate tests; the connection's default otherwise. */
  schema?: string;
  /** Connections in the pool; 10 when absent. */
  poolSize?: number;
}

const DEFAULT_POOL_SIZE = 10;
const CONNECT_TIMEOUT_MS = 10_000;
// Lower case only, so that the name means the same quoted and unquoted and needs no escaping in `options`.
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Connects to PostgreSQL and applies pending migrations. Any number of processes may open the same database:
 * the migrator takes an advisory lock, and the usage ledger keeps no state outside the database.
 *
 * @example const store = await openPostgresStore({ url: 'postgres://slipway@127.0.0.1:5432/slipway' });
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const { url, schema, poolSize = DEFAULT_POOL_SIZE } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new SlipwayError('invalid_request', `Schema name ${schema} is not a lower-case SQL identifier`, {
      param: 'schema',
    });
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: 'slipway',
    types: POSTGRES_TYPE_PARSERS,
    // Set at connection start, so that every connection sees the schema before its first query.
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle connection that breaks (e.g. the server restarted) is dropped by the pool, and the next query opens
  // a fresh one; without a listener, pg would raise the error as an uncaught exception and end the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (schema !== undefined) await createSchemaIfMissing(db, schema);
    await migrateToLatest(db, {
      columnTypes: { json: 'jsonb' },
      ...(schema === undefined ? {} : { migrationTableSchema: schema }),
    });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const appender = new PostgresInteractionAppender(pool);
  return {
    ...createKyselyStore(db, POSTGRES_STORAGE_DIALECT),
    appendInteractions: (records) => appender.appendInteractions(records),
  };
}

async function createSchemaIfMissing(db: Kysely<Database>, schema: string): Promise<void> {
  try {
    await db.schema.createSchema(schema).ifNotExists().execute();
  } catch (error) {
    // Two processes creating the schema at once: IF NOT EXISTS checks before inserting into the catalog, so
    // the loser reports a unique violation on it.
    if (POSTGRES_STORAGE_DIALECT.constraintViolationOf(error) !== 'unique') throw error;
  }
}
