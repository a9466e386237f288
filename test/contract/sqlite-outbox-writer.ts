import { openSqliteStore } from '../../src/adapters/storage/sqlite/index.js';
import { SqliteConnection } from '../../src/adapters/storage/sqlite/sqlite-connection.js';
import { prepareOutboxInsert } from '../../src/adapters/storage/sqlite/sqlite-outbox-insert.js';
import type { OutboxUnderTest } from './job-outbox.contract.js';

/** A SQLite store on `path`, whose outbox jobs are written by a second connection's synchronous transactions. */
export async function openSqliteOutboxUnderTest(path: string): Promise<OutboxUnderTest> {
  const store = await openSqliteStore({ path });
  return {
    store,
    insertInTransaction({ jobs, at, rollback = false }) {
      const connection = SqliteConnection.open(path);
      try {
        const insert = prepareOutboxInsert(connection);
        const write = connection.transaction('immediate', () => {
          insert(jobs, at);
          if (rollback) throw new Error('rolled back on purpose');
        });
        try {
          write();
        } catch (error) {
          if (!rollback) throw error;
        }
      } finally {
        connection.close();
      }
      return Promise.resolve();
    },
  };
}
