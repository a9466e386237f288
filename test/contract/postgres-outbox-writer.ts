import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { openPostgresStore } from '../../src/adapters/storage/postgres/index.js';
import type { Database } from '../../src/adapters/storage/common/database.js';
import { insertOutboxJobs } from '../../src/adapters/storage/common/insert-outbox-jobs.js';
import { runTransaction } from '../../src/adapters/storage/common/run-transaction.js';
import type { OutboxUnderTest } from './job-outbox.contract.js';

/** A PostgreSQL store in `schema`, whose outbox jobs are written in transactions of a pool of the test's own. */
export async function openPostgresOutboxUnderTest(options: {
  url: string;
  schema: string;
}): Promise<OutboxUnderTest> {
  const store = await openPostgresStore({ url: options.url, schema: options.schema, poolSize: 4 });
  const pool = new pg.Pool({
    connectionString: options.url,
    max: 2,
    options: `-c search_path=${options.schema}`,
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    store: {
      ...store,
      async close() {
        await db.destroy();
        await store.close();
      },
    },
    insertInTransaction: ({ jobs, at, rollback = false }) =>
      runTransaction(db, async (transaction) => {
        await insertOutboxJobs(transaction, jobs, at);
        return { result: undefined, commit: !rollback };
      }),
  };
}
