import type { Insertable } from 'kysely';
import type { QueuedJob } from '../../../ports/job-queue.js';
import type { JobOutboxTable } from '../common/database.js';
import { toOutboxRows } from '../common/insert-outbox-jobs.js';
import type { SqliteConnection } from './sqlite-connection.js';

/**
 * `insertOutboxJobs` for the SQLite store, whose transactions run synchronously on its connection: prepare once,
 * then call the returned function inside the `connection.transaction` work that writes the rows asking for the
 * jobs, so that both commit together. An id already in the outbox is skipped.
 * @example const insertOutbox = prepareOutboxInsert(connection);
 *   const create = connection.transaction('immediate', (batch) => { insertBatch.run(batch); insertOutbox(jobs, now); });
 */
export function prepareOutboxInsert(
  connection: SqliteConnection,
): (jobs: readonly QueuedJob[], at: number) => void {
  const insert = connection.prepare<[Insertable<JobOutboxTable>]>(
    `INSERT INTO job_outbox (id, name, payload, max_attempts, not_before, created_at, published_at)
     VALUES (@id, @name, @payload, @max_attempts, @not_before, @created_at, @published_at)
     ON CONFLICT (id) DO NOTHING`,
  );
  return (jobs, at) => {
    for (const row of toOutboxRows(jobs, at)) insert.run(row);
  };
}
