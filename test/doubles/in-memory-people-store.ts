import { SlipwayError } from '../../src/core/errors.js';
import type { SessionRecord, SessionStore } from '../../src/ports/session-store.js';
import type { UserChanges, UserRecord, UserStore } from '../../src/ports/user-store.js';

const isEnabledAdmin = (user: UserRecord): boolean => user.role === 'admin' && user.disabledAt === null;

/** The UserStore and SessionStore contracts in memory, for service tests. */
export class InMemoryPeopleStore implements UserStore, SessionStore {
  readonly users = new Map<string, UserRecord>();
  readonly sessions = new Map<string, SessionRecord>();

  async insertUser(user: UserRecord): Promise<void> {
    const email = user.email.toLowerCase();
    if (this.users.has(user.id) || [...this.users.values()].some((other) => other.email === email)) {
      throw new SlipwayError('conflict', `A user with the e-mail ${email} exists`);
    }
    this.users.set(user.id, { ...user, email });
  }

  async getUser(id: string): Promise<UserRecord | null> {
    return this.users.get(id) ?? null;
  }

  async findUserByEmail(email: string): Promise<UserRecord | null> {
    return [...this.users.values()].find((user) => user.email === email.toLowerCase()) ?? null;
  }

  async listUsers(): Promise<UserRecord[]> {
    return [...this.users.values()].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async countUsers(): Promise<number> {
    return this.users.size;
  }

  async updateUser(id: string, changes: UserChanges): Promise<UserRecord | null> {
    const before = this.users.get(id);
    if (!before) return null;
    const after = { ...before, ...changes };
    const others = [...this.users.values()].filter((user) => user.id !== id && isEnabledAdmin(user));
    if (isEnabledAdmin(before) && !isEnabledAdmin(after) && others.length === 0) {
      throw new SlipwayError('conflict', 'This is the last enabled admin.');
    }
    this.users.set(id, after);
    return after;
  }

  async insertSession(session: SessionRecord): Promise<void> {
    if (!this.users.has(session.userId)) throw new SlipwayError('not_found', `No user ${session.userId}`);
    if (this.sessions.has(session.id)) throw new SlipwayError('conflict', `Session ${session.id} exists`);
    this.sessions.set(session.id, { ...session });
  }

  async findSessionByTokenHash(tokenHash: string): Promise<SessionRecord | null> {
    return [...this.sessions.values()].find((session) => session.tokenHash === tokenHash) ?? null;
  }

  async touchSession(id: string, at: number): Promise<void> {
    const session = this.sessions.get(id);
    if (session && session.lastSeenAt < at) session.lastSeenAt = at;
  }

  async revokeSession(id: string, at: number): Promise<boolean> {
    const session = this.sessions.get(id);
    if (!session) return false;
    session.revokedAt ??= at;
    return true;
  }

  async revokeUserSessions(userId: string, at: number): Promise<number> {
    let revoked = 0;
    for (const session of this.sessions.values()) {
      if (session.userId !== userId || session.revokedAt !== null) continue;
      session.revokedAt = at;
      revoked += 1;
    }
    return revoked;
  }

  async purgeSessions(before: number): Promise<number> {
    let purged = 0;
    for (const [id, session] of this.sessions) {
      if (session.expiresAt < before || (session.revokedAt !== null && session.revokedAt < before)) {
        this.sessions.delete(id);
        purged += 1;
      }
    }
    return purged;
  }
}
