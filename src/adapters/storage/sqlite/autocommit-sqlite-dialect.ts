import { SqliteDialect, SqliteDriver } from 'kysely';
import type { Driver, SqliteDialectConfig } from 'kysely';
import { SlipwayError } from '../../../core/errors.js';

/**
 * Kysely's SQLite dialect for single statements only: it refuses to begin a transaction. Kysely awaits between
 * the statements of a transaction, and the ledger's and the appender's synchronous transactions on the same
 * connection would then nest inside it, where its rollback would undo their writes. Whatever needs a transaction
 * on SQLite runs it through `SqliteConnection.transaction` instead; a single statement commits on its own.
 */
export class AutocommitSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = Object.freeze({ ...config });
  }

  override createDriver(): Driver {
    return new AutocommitSqliteDriver(this.#config);
  }
}

class AutocommitSqliteDriver extends SqliteDriver {
  override beginTransaction(): Promise<void> {
    return Promise.reject(
      new SlipwayError(
        'internal_error',
        'The SQLite store runs transactions synchronously on its connection, never through Kysely',
      ),
    );
  }
}
