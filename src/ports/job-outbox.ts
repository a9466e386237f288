import type { QueuedJob } from './job-queue.js';

/** A job written to the outbox in the same transaction as the row that asked for it. */
export interface OutboxJob extends QueuedJob {
  /** When the transaction that wrote it ran (epoch ms). */
  createdAt: number;
}

/**
 * The transactional outbox, in the Store: a write that must both store a row and publish a job inserts the job
 * here in its own transaction (src/adapters/storage/common/insert-outbox-jobs.ts), and the relay
 * (src/services/relay-outbox.ts) publishes it to the queue afterwards. A job is published at least once: the
 * relay publishes, then marks, so a crash in between publishes it again, which the job's id (an idempotency key)
 * absorbs.
 *
 * Contract (test/contract/job-outbox.contract.ts runs it on every store):
 * - `claimUnpublished` returns up to `limit` unpublished jobs, oldest first (`createdAt`, then `id`), with their
 *   payload as written. It takes no lock: two relays may read and publish the same jobs.
 * - `markPublished` stamps the given ids once (a second mark keeps the first time); unknown ids are ignored.
 * - `purgePublished` deletes jobs published before `before` and returns how many; unpublished jobs are kept.
 * - Inserting an id that is already in the outbox adds nothing.
 * @example const jobs = await outbox.claimUnpublished(100); await queue.enqueue(jobs); await outbox.markPublished(jobs.map((job) => job.id), now);
 */
export interface JobOutbox {
  claimUnpublished(limit: number): Promise<OutboxJob[]>;
  markPublished(ids: readonly string[], at: number): Promise<void>;
  purgePublished(before: number): Promise<number>;
}
