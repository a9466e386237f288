import type { Insertable, Kysely } from 'kysely';
import type { QueuedJob } from '../../../ports/job-queue.js';
import type { Database, JobOutboxTable } from './database.js';
import { encodeJson } from './json-column.js';

/** The outbox rows of `jobs`, as written at `at`. */
export function toOutboxRows(jobs: readonly QueuedJob[], at: number): Insertable<JobOutboxTable>[] {
  return jobs.map((job) => ({
    id: job.id,
    name: job.name,
    payload: encodeJson(job.payload) ?? 'null',
    max_attempts: job.maxAttempts ?? null,
    not_before: job.notBefore ?? null,
    created_at: at,
    published_at: null,
  }));
}

/**
 * Writes `jobs` to the outbox through `db`, which is the caller's open transaction (PostgreSQL) so that the jobs
 * are committed with the rows that asked for them, or not at all. An id already in the outbox is skipped. On
 * SQLite, whose store runs transactions synchronously on its connection, use `prepareOutboxInsert`
 * (src/adapters/storage/sqlite/sqlite-outbox-insert.ts) inside the transaction instead.
 * @example await runTransaction(db, async (transaction) => { await insertBatch(transaction, batch);
 *   await insertOutboxJobs(transaction, [{ id: `batch:${batch.id}`, name: 'batch.plan', payload }], now); … });
 */
export async function insertOutboxJobs(
  db: Kysely<Database>,
  jobs: readonly QueuedJob[],
  at: number,
): Promise<void> {
  if (jobs.length === 0) return;
  await db
    .insertInto('job_outbox')
    .values(toOutboxRows(jobs, at))
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute();
}
