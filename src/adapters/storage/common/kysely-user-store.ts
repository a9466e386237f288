import type { Kysely, Selectable, Updateable } from 'kysely';
import { SlipwayError } from '../../../core/errors.js';
import type { UserChanges, UserRecord, UserRole, UserStore } from '../../../ports/user-store.js';
import type { Database, UsersTable } from './database.js';
import { runTransaction } from './run-transaction.js';
import type { StorageDialect } from './storage-dialect.js';

const isEnabledAdmin = (user: Pick<UserRecord, 'role' | 'disabledAt'>): boolean =>
  user.role === 'admin' && user.disabledAt === null;

export class KyselyUserStore implements UserStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StorageDialect,
  ) {}

  async insertUser(user: UserRecord): Promise<void> {
    try {
      await this.db
        .insertInto('users')
        .values({
          id: user.id,
          email: user.email.toLowerCase(),
          name: user.name,
          role: user.role,
          password_hash: user.passwordHash,
          created_at: user.createdAt,
          disabled_at: user.disabledAt,
          last_sign_in_at: user.lastSignInAt,
        })
        .execute();
    } catch (error) {
      if (this.dialect.constraintViolationOf(error) === 'unique') {
        throw new SlipwayError('conflict', `A user with the e-mail ${user.email} exists`, {
          cause: error,
          param: 'email',
        });
      }
      throw error;
    }
  }

  getUser(id: string): Promise<UserRecord | null> {
    return this.getUserWith(this.db, id);
  }

  async findUserByEmail(email: string): Promise<UserRecord | null> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst();
    return row === undefined ? null : toUserRecord(row);
  }

  async listUsers(): Promise<UserRecord[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(toUserRecord);
  }

  async countUsers(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((expression) => expression.fn.countAll<number | string | bigint>().as('count'))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  updateUser(id: string, changes: UserChanges): Promise<UserRecord | null> {
    if (this.dialect.kind === 'sqlite') return this.guardedUpdate(this.db, id, changes);
    return runTransaction(this.db, async (transaction) => {
      // Under READ COMMITTED two demotions of different admins would each still see the other admin enabled.
      // Locking the enabled admins first makes the second wait, then count without the first one's admin.
      await transaction
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .where('disabled_at', 'is', null)
        .forUpdate()
        .execute();
      return { result: await this.guardedUpdate(transaction, id, changes), commit: true };
    });
  }

  /**
   * Writes only the changed columns, so that a concurrent change of another field (a sign-in stamping
   * `last_sign_in_at` while an admin changes the role) is never overwritten with a stale value. A demotion of an
   * enabled admin is one conditional statement, atomic on SQLite, whose writes are serial.
   */
  private async guardedUpdate(
    db: Kysely<Database>,
    id: string,
    changes: UserChanges,
  ): Promise<UserRecord | null> {
    const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) return null;
    const before = toUserRecord(row);
    const columns = toChangedColumns(changes);
    if (Object.keys(columns).length === 0) return before;
    const demotes = isEnabledAdmin(before) && !isEnabledAdmin({ ...before, ...changes });
    let update = db.updateTable('users').set(columns).where('id', '=', id);
    if (demotes) {
      update = update
        .where('role', '=', 'admin')
        .where('disabled_at', 'is', null)
        .where((where) =>
          where(
            where
              .selectFrom('users as others')
              .select((others) => others.fn.countAll<number>().as('count'))
              .where('others.role', '=', 'admin')
              .where('others.disabled_at', 'is', null)
              .where('others.id', '<>', id),
            '>',
            0,
          ),
        );
    }
    const result = await update.executeTakeFirst();
    if (result.numUpdatedRows === 0n && demotes) {
      throw new SlipwayError(
        'conflict',
        'This is the last enabled admin: make another person admin before demoting or disabling this one.',
      );
    }
    return this.getUserWith(db, id);
  }

  private async getUserWith(db: Kysely<Database>, id: string): Promise<UserRecord | null> {
    const row = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toUserRecord(row);
  }
}

function toChangedColumns(changes: UserChanges): Updateable<UsersTable> {
  const columns: Updateable<UsersTable> = {};
  if (changes.name !== undefined) columns.name = changes.name;
  if (changes.role !== undefined) columns.role = changes.role;
  if (changes.passwordHash !== undefined) columns.password_hash = changes.passwordHash;
  if (changes.disabledAt !== undefined) columns.disabled_at = changes.disabledAt;
  if (changes.lastSignInAt !== undefined) columns.last_sign_in_at = changes.lastSignInAt;
  return columns;
}

function toUserRecord(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as UserRole,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
    lastSignInAt: row.last_sign_in_at,
  };
}
