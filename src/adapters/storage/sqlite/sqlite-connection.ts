import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { SlipwayError } from '../../../core/errors.js';

/**
 * How a transaction takes its locks: `immediate` takes the write lock up front, so that a transaction that reads
 * and then writes waits its turn behind another process rather than failing with SQLITE_BUSY halfway; `deferred`
 * suits a transaction that only reads (one snapshot, no write lock).
 */
type TransactionMode = 'deferred' | 'immediate';

/**
 * The store's one better-sqlite3 connection, and the only code that holds the driver's handle. Kysely runs
 * single statements on it; the usage ledger and the interaction appender run their transactions on it through
 * `transaction`, synchronously from BEGIN to COMMIT, so that nothing else this process does can run inside them.
 *
 * @example const connection = SqliteConnection.open('.slipway/slipway.db');
 */
export class SqliteConnection {
  readonly #database: BetterSqlite3.Database;

  private constructor(database: BetterSqlite3.Database) {
    this.#database = database;
  }

  /** Opens the file (creating it and its directory when missing; `:memory:` or `''` for a private database). */
  static open(path: string): SqliteConnection {
    if (path !== ':memory:' && path !== '') mkdirSync(dirname(path), { recursive: true });
    const database = new BetterSqlite3(path);
    try {
      database.pragma('journal_mode = WAL');
      // NORMAL loses at most the last transactions on power loss (never on a process crash) and never corrupts.
      database.pragma('synchronous = NORMAL');
      database.pragma('busy_timeout = 5000');
      database.pragma('foreign_keys = ON');
      // Freed pages are overwritten with zeros, so that deleted rows (retention, end-user erasure) cannot be read
      // back from the file; the cost is a write of each page a delete frees.
      database.pragma('secure_delete = ON');
      // The log's triggers (search index, rollups) make each appended row a nested statement with a statement
      // journal; kept in a temporary file by default, that journal cut the appender's rate by about two thirds.
      database.pragma('temp_store = MEMORY');
    } catch (error) {
      database.close();
      throw error;
    }
    return new SqliteConnection(database);
  }

  /** A new prepared statement; callers keep it and run it as often as they like. */
  prepare<Parameters extends unknown[], Row = unknown>(
    sql: string,
  ): BetterSqlite3.Statement<Parameters, Row> {
    return this.#database.prepare<Parameters, Row>(sql);
  }

  /**
   * `work` as a function each call of which is one transaction, committed when `work` returns and rolled back
   * when it throws. `work` must be synchronous (better-sqlite3 refuses a promise), which is the point: no other
   * statement can run between its BEGIN and its COMMIT.
   *
   * Throws `internal_error` when a transaction is already open on the connection, rather than nest as a
   * savepoint whose writes an outer rollback it knows nothing about would undo.
   */
  transaction<Args extends unknown[], Result>(
    mode: TransactionMode,
    work: (...args: Args) => Result,
  ): (...args: Args) => Result {
    const database = this.#database;
    const run = database.transaction(work)[mode];
    return (...args) => {
      if (database.inTransaction) {
        throw new SlipwayError('internal_error', 'A transaction is already open on the SQLite connection');
      }
      return run(...args);
    };
  }

  /** Idempotent; statements prepared on the connection fail from then on. */
  close(): void {
    this.#database.close();
  }
}
