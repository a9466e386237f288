import type { Kysely, Transaction } from 'kysely';
import { sql } from 'kysely';
import { SlipwayError } from '../../../core/errors.js';
import type { Project } from '../../../core/identity.js';
import type {
  DeleteInteractionsBeforeOptions,
  EraseEndUserOptions,
  ErasureRecord,
  LogRetention,
} from '../../../ports/log-retention.js';
import type { Database, ErasuresTable } from './database.js';
import { endUserCounters } from './end-user-counters.js';
import { erasureSubjectHash } from './erasure-subject-hash.js';
import { KyselyProjectStore } from './kysely-project-store.js';
import { ERASURE_SUBJECT_SECRET } from './migrations/0004-retention.js';
import { runTransaction } from './run-transaction.js';
import type { StorageDialect } from './storage-dialect.js';

// Counter names per DELETE, well under either database's limit on bound parameters.
const COUNTERS_PER_STATEMENT = 500;

/**
 * LogRetention on Kysely. Retention deletes are single statements (a batch autocommits on its own, attempts go by
 * their ON DELETE CASCADE key, search-index entries by the index's delete triggers), so they serve both databases.
 * `eraseEndUser` here runs in a Kysely transaction, which is the PostgreSQL path; the SQLite store replaces it with
 * a synchronous transaction on its connection (see AutocommitSqliteDialect for why).
 */
export class KyselyLogRetention implements LogRetention {
  readonly #projects: KyselyProjectStore;
  #subjectKey: Promise<string> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StorageDialect,
  ) {
    this.#projects = new KyselyProjectStore(db, dialect);
  }

  async deleteInteractionsBefore(options: DeleteInteractionsBeforeOptions): Promise<number> {
    const result = await this.db
      .deleteFrom('interactions')
      .where('id', 'in', (query) =>
        query
          .selectFrom('interactions')
          .select('id')
          .where('project_id', '=', options.projectId)
          .where('started_at', '<', options.before)
          .orderBy('started_at')
          .limit(options.limit),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async eraseEndUser(options: EraseEndUserOptions): Promise<ErasureRecord> {
    const subjectHash = erasureSubjectHash({ keyHex: await this.subjectKey(), endUser: options.endUser });
    const record = await runTransaction(this.db, async (transaction) => ({
      result: await eraseInTransaction(transaction, { ...options, subjectHash }),
      commit: true,
    }));
    if (this.dialect.kind === 'postgres') {
      // A DELETE leaves dead tuples (and their GIN and B-tree entries) readable on disk until VACUUM removes
      // them, and the planner statistics may hold sampled values (an end-user id among the most common ones)
      // until ANALYZE resamples. VACUUM cannot run inside a transaction block, hence after the commit.
      await sql`vacuum (analyze) interactions, attempts, usage_counters, reservations`.execute(this.db);
    }
    return record;
  }

  async listErasures(filter: { endUser?: string } = {}): Promise<ErasureRecord[]> {
    let query = this.db.selectFrom('erasures').selectAll().orderBy('at', 'desc').orderBy('id', 'desc');
    if (filter.endUser !== undefined) {
      const subjectHash = erasureSubjectHash({ keyHex: await this.subjectKey(), endUser: filter.endUser });
      query = query.where('subject_hash', '=', subjectHash);
    }
    return (await query.execute()).map(toErasureRecord);
  }

  async setProjectRetention(projectId: string, retentionDays: number | null): Promise<Project> {
    const result = await this.db
      .updateTable('projects')
      .set({ retention_days: retentionDays })
      .where('id', '=', projectId)
      .executeTakeFirst();
    const project = Number(result.numUpdatedRows) === 0 ? null : await this.#projects.getProject(projectId);
    if (project === null) {
      throw new SlipwayError('not_found', `No project with id "${projectId}"`, { param: 'id' });
    }
    return project;
  }

  private subjectKey(): Promise<string> {
    this.#subjectKey ??= readSubjectKey(this.db).catch((error: unknown) => {
      this.#subjectKey = undefined;
      throw error;
    });
    return this.#subjectKey;
  }
}

async function readSubjectKey(db: Kysely<Database>): Promise<string> {
  const row = await db
    .selectFrom('installation_secrets')
    .select('value')
    .where('name', '=', ERASURE_SUBJECT_SECRET)
    .executeTakeFirstOrThrow();
  return row.value;
}

async function eraseInTransaction(
  transaction: Transaction<Database>,
  options: EraseEndUserOptions & { subjectHash: string },
): Promise<ErasureRecord> {
  const { endUser, erasure } = options;
  const logged = await transaction
    .selectFrom('interactions')
    .select('project_id')
    .distinct()
    .where('end_user', '=', endUser)
    .execute();
  const known = await transaction.selectFrom('projects').select('id').execute();
  const projectIds = [...new Set([...known.map((row) => row.id), ...logged.map((row) => row.project_id)])];
  // Attempts are deleted explicitly rather than by the cascade, so that they can be counted.
  const attempts = await transaction
    .deleteFrom('attempts')
    .where('interaction_id', 'in', (query) =>
      query.selectFrom('interactions').select('id').where('end_user', '=', endUser),
    )
    .executeTakeFirst();
  const interactions = await transaction
    .deleteFrom('interactions')
    .where('end_user', '=', endUser)
    .executeTakeFirst();
  const counters = endUserCounters({ projectIds, endUser });
  for (let start = 0; start < counters.length; start += COUNTERS_PER_STATEMENT) {
    const chunk = counters.slice(start, start + COUNTERS_PER_STATEMENT);
    await transaction.deleteFrom('reservations').where('counter', 'in', chunk).execute();
    await transaction.deleteFrom('usage_counters').where('counter', 'in', chunk).execute();
  }
  const row: ErasuresTable = {
    id: erasure.id,
    at: erasure.at,
    subject_hash: options.subjectHash,
    interactions_deleted: Number(interactions.numDeletedRows),
    attempts_deleted: Number(attempts.numDeletedRows),
    requested_by: erasure.requestedBy,
  };
  await transaction.insertInto('erasures').values(row).execute();
  return toErasureRecord(row);
}

/** Maps an `erasures` row to the record the port returns. */
export function toErasureRecord(row: ErasuresTable): ErasureRecord {
  return {
    id: row.id,
    at: Number(row.at),
    subjectHash: row.subject_hash,
    interactionsDeleted: Number(row.interactions_deleted),
    attemptsDeleted: Number(row.attempts_deleted),
    requestedBy: row.requested_by,
  };
}
