import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Store } from '../../../ports/store.js';
import type { Database } from '../common/database.js';
import { createKyselyStore } from '../common/kysely-store.js';
import { migrateToLatest } from '../common/migrate-to-latest.js';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect.js';
import { cacheStatements } from './sqlite-statement-cache.js';
import { SQLITE_STORAGE_DIALECT } from './sqlite-storage-dialect.js';

interface SqliteStoreOptions {
  /** The database file, created with its directory when missing; `:memory:` for a private in-memory database. */
  path: string;
}

const STATEMENT_CACHE_CAPACITY = 200;

/**
 * Opens (creating if needed) the SQLite database and applies pending migrations. Open one store per file per
 * process: better-sqlite3 is synchronous, so a second connection in the same process waiting for the first's
 * write lock would block the very event loop the first needs to finish.
 *
 * @example const store = await openSqliteStore({ path: '.slipway/slipway.db' });
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const { path } = options;
  const inMemory = path === ':memory:' || path === '';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path);
  try {
    database.pragma('journal_mode = WAL');
    // NORMAL loses at most the last transactions on power loss (never on a process crash) and never corrupts.
    database.pragma('synchronous = NORMAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
  } catch (error) {
    database.close();
    throw error;
  }
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: cacheStatements(database, STATEMENT_CACHE_CAPACITY) }),
  });
  try {
    await migrateToLatest(db, { columnTypes: { json: 'text' } });
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createKyselyStore(db, SQLITE_STORAGE_DIALECT);
}
