import { type Kysely, sql, type Transaction } from 'kysely';
import type { EndUser, EndUserFields, EndUserGroup } from '../../../core/end-user.js';
import { SlipwayError } from '../../../core/errors.js';
import { planEndUserSync } from '../../../core/plan-end-user-sync.js';
import type { EndUserDirectory, EndUserPage, EndUserSyncOutcome } from '../../../ports/end-user-directory.js';
import type { Database } from './database.js';
import { toEndUser, toEndUserRow } from './end-user-rows.js';
import { runTransaction } from './run-transaction.js';
import type { StorageDialect } from './storage-dialect.js';

type Executor = Kysely<Database> | Transaction<Database>;

/** Serialises syncs across processes on PostgreSQL (any constant shared by them would do). */
const SYNC_LOCK_KEY = 0x534c_5744;

export class KyselyEndUserDirectory implements EndUserDirectory {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StorageDialect,
  ) {}

  async getEndUser(id: string): Promise<EndUser | null> {
    const row = await this.db.selectFrom('end_users').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toEndUser(row);
  }

  async listEndUsers(query: { limit: number; after?: string }): Promise<EndUserPage> {
    let select = this.db.selectFrom('end_users').selectAll();
    if (query.after !== undefined) select = select.where('id', '>', query.after);
    const rows = await select
      .orderBy('id')
      .limit(query.limit + 1)
      .execute();
    const items = rows.slice(0, query.limit).map(toEndUser);
    return { items, nextAfter: rows.length > query.limit ? (items.at(-1)?.id ?? null) : null };
  }

  async putEndUser(user: EndUserFields, at: number): Promise<EndUser | null> {
    const before = await this.getEndUser(user.id);
    await upsertEndUser(this.db, user, at);
    await addMissingGroups(this.db, user.groups, at);
    return before;
  }

  async deleteEndUser(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('end_users').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }

  /** One transaction holding a transaction-scoped advisory lock, so that two syncs cannot interleave. */
  async syncEndUsers(request: {
    users: EndUserFields[];
    prune: boolean;
    dryRun: boolean;
    at: number;
  }): Promise<EndUserSyncOutcome> {
    return runTransaction(this.db, async (transaction) => {
      if (this.dialect.kind === 'postgres') {
        await sql`select pg_advisory_xact_lock(${SYNC_LOCK_KEY})`.execute(transaction);
      }
      const existing = (await transaction.selectFrom('end_users').selectAll().execute()).map(toEndUser);
      const plan = planEndUserSync(existing, request.users, { prune: request.prune });
      const outcome: EndUserSyncOutcome = {
        created: plan.create.map((user) => user.id),
        updated: plan.update.map((user) => user.id),
        unchanged: plan.unchanged,
        removed: plan.remove,
      };
      if (request.dryRun) return { result: outcome, commit: false };
      for (const user of [...plan.create, ...plan.update]) await upsertEndUser(transaction, user, request.at);
      if (plan.remove.length > 0)
        await transaction.deleteFrom('end_users').where('id', 'in', plan.remove).execute();
      await addMissingGroups(
        transaction,
        request.users.flatMap((user) => user.groups),
        request.at,
      );
      return { result: outcome, commit: true };
    });
  }

  async listEndUserGroups(): Promise<EndUserGroup[]> {
    const rows = await this.db.selectFrom('end_user_groups').selectAll().orderBy('name').execute();
    return rows.map((row) => ({ name: row.name, description: row.description, createdAt: row.created_at }));
  }

  async putEndUserGroup(group: EndUserGroup): Promise<boolean> {
    const existing = await this.db
      .selectFrom('end_user_groups')
      .select('name')
      .where('name', '=', group.name)
      .executeTakeFirst();
    await this.db
      .insertInto('end_user_groups')
      .values({ name: group.name, description: group.description, created_at: group.createdAt })
      .onConflict((conflict) =>
        conflict.column('name').doUpdateSet({ description: (values) => values.ref('excluded.description') }),
      )
      .execute();
    return existing === undefined;
  }

  /** Scans the directory for members: a rare admin action, and the lists live on each user. */
  async deleteEndUserGroup(name: string): Promise<boolean> {
    const rows = await this.db.selectFrom('end_users').select(['id', 'groups']).execute();
    const member = rows.find((row) => (JSON.parse(row.groups) as string[]).includes(name));
    if (member !== undefined) {
      throw new SlipwayError(
        'conflict',
        `Group "${name}" still has members (e.g. "${member.id}"); remove it from them first`,
        { param: 'name' },
      );
    }
    const result = await this.db.deleteFrom('end_user_groups').where('name', '=', name).executeTakeFirst();
    return result.numDeletedRows > 0n;
  }
}

async function upsertEndUser(db: Executor, user: EndUserFields, at: number): Promise<void> {
  const row = toEndUserRow(user, at);
  await db
    .insertInto('end_users')
    .values(row)
    .onConflict((conflict) =>
      conflict.column('id').doUpdateSet({
        name: row.name,
        groups: row.groups,
        roles: row.roles,
        clearance: row.clearance,
        disabled: row.disabled,
        updated_at: row.updated_at,
      }),
    )
    .execute();
}

async function addMissingGroups(db: Executor, names: readonly string[], at: number): Promise<void> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return;
  await db
    .insertInto('end_user_groups')
    .values(unique.map((name) => ({ name, description: '', created_at: at })))
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
}
