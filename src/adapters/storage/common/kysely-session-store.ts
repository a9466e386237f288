import type { Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import { SlipwayError } from '../../../core/errors.js';
import type { SessionRecord, SessionStore } from '../../../ports/session-store.js';
import type { Database, SessionsTable } from './database.js';
import type { StorageDialect } from './storage-dialect.js';

export class KyselySessionStore implements SessionStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StorageDialect,
  ) {}

  async insertSession(session: SessionRecord): Promise<void> {
    try {
      await this.db
        .insertInto('sessions')
        .values({
          id: session.id,
          token_hash: session.tokenHash,
          user_id: session.userId,
          csrf_token: session.csrfToken,
          created_at: session.createdAt,
          last_seen_at: session.lastSeenAt,
          expires_at: session.expiresAt,
          revoked_at: session.revokedAt,
        })
        .execute();
    } catch (error) {
      switch (this.dialect.constraintViolationOf(error)) {
        case 'unique':
          throw new SlipwayError('conflict', `A session with id ${session.id} or the same token exists`, {
            cause: error,
          });
        case 'foreign_key':
          throw new SlipwayError('not_found', `No user with id ${session.userId}`, { cause: error });
        case null:
          throw error;
      }
    }
  }

  async findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | null> {
    const row = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row === undefined ? null : toSessionRecord(row);
  }

  async touchSession(id: string, at: number): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ last_seen_at: at })
      .where('id', '=', id)
      .where('last_seen_at', '<', at)
      .execute();
  }

  async revokeSession(id: string, at: number): Promise<boolean> {
    // coalesce keeps the first time atomically, even when two revocations race.
    const result = await this.db
      .updateTable('sessions')
      .set({ revoked_at: sql<number>`coalesce(revoked_at, ${at})` })
      .where('id', '=', id)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  async revokeUserSessions(userId: string, at: number): Promise<number> {
    const result = await this.db
      .updateTable('sessions')
      .set({ revoked_at: at })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async purgeSessions(before: number): Promise<number> {
    const result = await this.db
      .deleteFrom('sessions')
      .where((where) => where.or([where('expires_at', '<', before), where('revoked_at', '<', before)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function toSessionRecord(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    userId: row.user_id,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}
