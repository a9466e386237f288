import { SlipwayError } from '../../../core/errors.js';
import type { EraseEndUserOptions, ErasureRecord } from '../../../ports/log-retention.js';
import type { ErasuresTable } from '../common/database.js';
import { endUserCounters } from '../common/end-user-counters.js';
import { erasureSubjectHash } from '../common/erasure-subject-hash.js';
import { toErasureRecord } from '../common/kysely-log-retention.js';
import { ERASURE_SUBJECT_SECRET } from '../common/migrations/0004-retention.js';
import type { SqliteConnection } from './sqlite-connection.js';

const SEARCH_INDEX = 'interactions_fts';

/**
 * `eraseEndUser` on SQLite: one synchronous IMMEDIATE transaction on the store's connection deletes the end user's
 * attempts, interactions (the search index follows by its delete triggers) and usage counters, and inserts the
 * erasure record. Then, so that nothing of the user survives in the files:
 * - the connection runs with `secure_delete`, so pages the deletes freed are already zeroed;
 * - the FTS5 index is merged (`optimize`): FTS5 records a delete as a tombstone in a new segment and keeps the
 *   old segment, with the user's tokens, until a merge rewrites it;
 * - the WAL is checkpointed and truncated, since it still holds copies of the pages as they were before.
 *
 * @example const erasure = new SqliteEndUserEraser(connection).eraseEndUser({ endUser: 'u1', erasure });
 */
export class SqliteEndUserEraser {
  readonly #connection: SqliteConnection;
  readonly #erase: (options: EraseEndUserOptions & { subjectHash: string }) => ErasureRecord;
  #subjectKey: string | undefined;

  constructor(connection: SqliteConnection) {
    this.#connection = connection;
    const projectsOfUser = connection.prepare<[string], { project_id: string }>(
      'SELECT DISTINCT project_id FROM interactions WHERE end_user = ?',
    );
    const projects = connection.prepare<[], { id: string }>('SELECT id FROM projects');
    const deleteAttempts = connection.prepare<[string]>(
      'DELETE FROM attempts WHERE interaction_id IN (SELECT id FROM interactions WHERE end_user = ?)',
    );
    const deleteInteractions = connection.prepare<[string]>('DELETE FROM interactions WHERE end_user = ?');
    const deleteReservations = connection.prepare<[string]>('DELETE FROM reservations WHERE counter = ?');
    const deleteCounters = connection.prepare<[string]>('DELETE FROM usage_counters WHERE counter = ?');
    const insertErasure = connection.prepare<[ErasuresTable]>(
      `INSERT INTO erasures (id, at, subject_hash, interactions_deleted, attempts_deleted, requested_by)
       VALUES (@id, @at, @subject_hash, @interactions_deleted, @attempts_deleted, @requested_by)`,
    );
    this.#erase = connection.transaction(
      'immediate',
      (options: EraseEndUserOptions & { subjectHash: string }) => {
        const { endUser, erasure } = options;
        const projectIds = new Set(projects.all().map((row) => row.id));
        for (const row of projectsOfUser.all(endUser)) projectIds.add(row.project_id);
        const attempts = deleteAttempts.run(endUser).changes;
        const interactions = deleteInteractions.run(endUser).changes;
        for (const counter of endUserCounters({ projectIds: [...projectIds], endUser })) {
          deleteReservations.run(counter);
          deleteCounters.run(counter);
        }
        const row: ErasuresTable = {
          id: erasure.id,
          at: erasure.at,
          subject_hash: options.subjectHash,
          interactions_deleted: interactions,
          attempts_deleted: attempts,
          requested_by: erasure.requestedBy,
        };
        insertErasure.run(row);
        return toErasureRecord(row);
      },
    );
  }

  eraseEndUser(options: EraseEndUserOptions): Promise<ErasureRecord> {
    try {
      const subjectHash = erasureSubjectHash({ keyHex: this.subjectKey(), endUser: options.endUser });
      const record = this.#erase({ ...options, subjectHash });
      this.scrub();
      return Promise.resolve(record);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private subjectKey(): string {
    this.#subjectKey ??= this.#connection
      .prepare<[string], { value: string }>('SELECT value FROM installation_secrets WHERE name = ?')
      .get(ERASURE_SUBJECT_SECRET)?.value;
    if (this.#subjectKey === undefined)
      throw new SlipwayError('internal_error', 'The installation has no erasure key (migration 0004)');
    return this.#subjectKey;
  }

  private scrub(): void {
    const index = this.#connection
      .prepare<[string], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?")
      .get(SEARCH_INDEX);
    // The index exists once the search migration has run; the command is FTS5's own, spelt as an insert.
    if (index !== undefined) {
      this.#connection.prepare(`INSERT INTO ${SEARCH_INDEX}(${SEARCH_INDEX}) VALUES ('optimize')`).run();
    }
    // Returns a row (busy, log, checkpointed); a reader holding an old snapshot can keep it from finishing, and
    // the next checkpoint then completes it.
    this.#connection.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get();
  }
}
