import { Kysely } from 'kysely';
import type { Store } from '../../../ports/store.js';
import type { Database } from '../common/database.js';
import { createKyselyStore } from '../common/kysely-store.js';
import { migrateToLatest } from '../common/migrate-to-latest.js';
import { AutocommitSqliteDialect } from './autocommit-sqlite-dialect.js';
import { SqliteAuditAppender } from './sqlite-audit-appender.js';
import { SqliteBatchWrites } from './sqlite-batch-writes.js';
import { SqliteConnection } from './sqlite-connection.js';
import { SqliteDocumentWrites } from './sqlite-document-writes.js';
import { SqliteEndUserEraser } from './sqlite-end-user-eraser.js';
import { SqliteEndUserSync } from './sqlite-end-user-sync.js';
import { SqliteInteractionAppender } from './sqlite-interaction-appender.js';
import { SqlitePromptWrites } from './sqlite-prompt-writes.js';
import { cacheStatements } from './sqlite-statement-cache.js';
import { SQLITE_STORAGE_DIALECT } from './sqlite-storage-dialect.js';
import { SqliteUsageLedger } from './sqlite-usage-ledger.js';

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
 * The hot paths, the usage ledger and the interaction log's appends, run as synchronous transactions on the
 * connection (no await between BEGIN and COMMIT, so nothing queues behind them and they cannot interleave);
 * everything else goes through the Kysely store as single autocommitted statements.
 *
 * @example const store = await openSqliteStore({ path: '.slipway/slipway.db' });
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const connection = SqliteConnection.open(options.path);
  const db = new Kysely<Database>({
    dialect: new AutocommitSqliteDialect({ database: cacheStatements(connection, STATEMENT_CACHE_CAPACITY) }),
  });
  try {
    await migrateToLatest(db, { columnTypes: { json: 'text' } });
  } catch (error) {
    await db.destroy();
    // Kysely closes the connection only when it got as far as using it.
    connection.close();
    throw error;
  }
  const ledger = new SqliteUsageLedger(connection);
  const appender = new SqliteInteractionAppender(connection);
  const eraser = new SqliteEndUserEraser(connection);
  const promptWrites = new SqlitePromptWrites(connection);
  const batchWrites = new SqliteBatchWrites(connection);
  const auditAppender = new SqliteAuditAppender(connection);
  const endUserSync = new SqliteEndUserSync(connection);
  const documentWrites = new SqliteDocumentWrites(connection);
  const store = createKyselyStore(db, SQLITE_STORAGE_DIALECT);
  return {
    ...store,
    appendInteractions: (records) => appender.appendInteractions(records),
    reserve: (reservationId, charges) => ledger.reserve(reservationId, charges),
    settle: (reservationId, actual) => ledger.settle(reservationId, actual),
    release: (reservationId) => ledger.release(reservationId),
    usage: (counters) => ledger.usage(counters),
    eraseEndUser: (options) => eraser.eraseEndUser(options),
    appendAuditEvent: (event) => auditAppender.appendAuditEvent(event),
    syncEndUsers: (request) => endUserSync.syncEndUsers(request),
    addVersion: (input) => promptWrites.addVersion(input),
    moveLabel: (request) => promptWrites.moveLabel(request),
    insertFile: (file, lines) => batchWrites.insertFile(file, lines),
    deleteFile: (id) => batchWrites.deleteFile(id),
    createBatch: (batch, jobs) => batchWrites.createBatch(batch, jobs),
    createIngestionRun: (run, items, jobs) => documentWrites.createIngestionRun(run, items, jobs),
    finishIngestionItem: (finish) => documentWrites.finishIngestionItem(finish),
    finishBatch: async (finish) =>
      (await batchWrites.finishBatch(finish)) ? store.getBatch(finish.batchId) : null,
    // The ledger commits its queued group first: the connection is gone once Kysely is destroyed.
    close: () => {
      ledger.close();
      return store.close();
    },
  };
}
