import type { Project } from '../core/identity.js';

/** The record that one end user's data was erased. It never holds the end user's id itself. */
export interface ErasureRecord {
  id: string;
  at: number;
  /**
   * HMAC-SHA-256 (hex) of the end user's id under a key kept by this installation: presenting the id again
   * finds the record (`listErasures({ endUser })`), while the record alone does not reveal it.
   */
  subjectHash: string;
  interactionsDeleted: number;
  attemptsDeleted: number;
  /** Who asked, as `<actor kind>:<actor id>` (e.g. `api_key:key_…`, `user:usr_…`). */
  requestedBy: string;
}

/** What the caller decides about an erasure; the store adds the hash and the counts. */
interface NewErasure {
  id: string;
  at: number;
  requestedBy: string;
}

export interface DeleteInteractionsBeforeOptions {
  projectId: string;
  /** Interactions that started strictly before this time (ms) are deleted. */
  before: number;
  /** At most this many interactions per call (1 or more). */
  limit: number;
}

export interface EraseEndUserOptions {
  /** The end-user id exactly as clients sent it (the `user` field of a request). */
  endUser: string;
  erasure: NewErasure;
}

/**
 * Deleting logged data: the retention period of each project, and the erasure of everything stored about one end
 * user.
 *
 * Contract:
 * - `deleteInteractionsBefore` deletes at most `limit` of the project's oldest interactions older than `before`,
 *   with their attempts and search-index entries, in one short transaction, and returns how many it deleted.
 *   Callers loop until it returns less than `limit`, so that a large backlog never holds the write lock long.
 * - `eraseEndUser` deletes, in one transaction, every interaction of that end user in every project, their
 *   attempts, their search-index entries and the end user's usage counters, and inserts the erasure record.
 *   After the commit it makes the deleted data unrecoverable from the database files as far as the database
 *   allows (SQLite: secure_delete, FTS5 `optimize`, a WAL checkpoint; PostgreSQL: VACUUM of the log tables).
 *   Erasing an end user with no data still records the erasure (with zero counts). Never throws for an unknown
 *   end user.
 * - `listErasures` is ordered newest first; `endUser` limits it to the erasures of that end user.
 * - `setProjectRetention` throws `not_found` for an unknown project id and returns the updated project.
 *
 * @example const erasure = await store.eraseEndUser({ endUser: 'user-42', erasure: { id, at: now, requestedBy: 'user:usr_1' } });
 */
export interface LogRetention {
  deleteInteractionsBefore(options: DeleteInteractionsBeforeOptions): Promise<number>;
  eraseEndUser(options: EraseEndUserOptions): Promise<ErasureRecord>;
  listErasures(filter?: { endUser?: string }): Promise<ErasureRecord[]>;
  /** `retentionDays` null keeps the project's interactions forever. */
  setProjectRetention(projectId: string, retentionDays: number | null): Promise<Project>;
}
