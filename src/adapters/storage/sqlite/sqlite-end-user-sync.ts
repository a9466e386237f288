import type { EndUserFields } from '../../../core/end-user.js';
import { planEndUserSync } from '../../../core/plan-end-user-sync.js';
import type { EndUserSyncOutcome } from '../../../ports/end-user-directory.js';
import type { Insertable, Selectable } from 'kysely';
import type { EndUsersTable } from '../common/database.js';
import { toEndUser, toEndUserRow } from '../common/end-user-rows.js';
import type { SqliteConnection } from './sqlite-connection.js';

interface SyncRequest {
  users: EndUserFields[];
  prune: boolean;
  dryRun: boolean;
  at: number;
}

/**
 * The end-user directory's sync on SQLite: one synchronous IMMEDIATE transaction on the store's connection (the
 * SQLite store runs no transactions through Kysely), so the directory is read, compared and changed with
 * nothing in between, and a failure leaves it as it was.
 * @example const outcome = await new SqliteEndUserSync(connection).syncEndUsers({ users, prune: true, dryRun: false, at });
 */
export class SqliteEndUserSync {
  readonly #sync: (request: SyncRequest) => EndUserSyncOutcome;

  constructor(connection: SqliteConnection) {
    const readAll = connection.prepare<[], Selectable<EndUsersTable>>('SELECT * FROM end_users');
    const upsert = connection.prepare<[Insertable<EndUsersTable>]>(
      `INSERT INTO end_users (id, name, groups, roles, clearance, disabled, created_at, updated_at)
       VALUES (@id, @name, @groups, @roles, @clearance, @disabled, @created_at, @updated_at)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, groups = excluded.groups, roles = excluded.roles,
         clearance = excluded.clearance, disabled = excluded.disabled, updated_at = excluded.updated_at`,
    );
    const remove = connection.prepare<[string]>('DELETE FROM end_users WHERE id = ?');
    const addGroup = connection.prepare<[string, number]>(
      `INSERT INTO end_user_groups (name, description, created_at) VALUES (?, '', ?) ON CONFLICT (name) DO NOTHING`,
    );
    this.#sync = connection.transaction('immediate', (request: SyncRequest) => {
      const plan = planEndUserSync(readAll.all().map(toEndUser), request.users, { prune: request.prune });
      if (!request.dryRun) {
        for (const user of [...plan.create, ...plan.update]) upsert.run(toEndUserRow(user, request.at));
        for (const id of plan.remove) remove.run(id);
        for (const name of new Set(request.users.flatMap((user) => user.groups)))
          addGroup.run(name, request.at);
      }
      return {
        created: plan.create.map((user) => user.id),
        updated: plan.update.map((user) => user.id),
        unchanged: plan.unchanged,
        removed: plan.remove,
      };
    });
  }

  syncEndUsers(request: SyncRequest): Promise<EndUserSyncOutcome> {
    try {
      return Promise.resolve(this.#sync(request));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
