import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/ports/audit-log.js';
import type { SessionRecord } from '../../src/ports/session-store.js';
import type { Store } from '../../src/ports/store.js';
import type { UserRecord } from '../../src/ports/user-store.js';
import { T0 } from './store-fixtures.js';

const aUser = (overrides: Partial<UserRecord> = {}): UserRecord => ({
  id: 'usr_1',
  email: 'ada@example.com',
  name: 'Ada',
  role: 'admin',
  passwordHash: '$scrypt$ln=15,r=8,p=1$c2FsdA$aGFzaA',
  createdAt: T0,
  disabledAt: null,
  lastSignInAt: null,
  ...overrides,
});

const aSession = (overrides: Partial<SessionRecord> = {}): SessionRecord => ({
  id: 'ses_1',
  tokenHash: 'a'.repeat(64),
  userId: 'usr_1',
  csrfToken: 'csrf-1',
  createdAt: T0,
  lastSeenAt: T0,
  expiresAt: T0 + 1_000_000,
  revokedAt: null,
  ...overrides,
});

const anAuditEvent = (overrides: Partial<AuditEvent> = {}): AuditEvent => ({
  id: 'aud_1',
  at: T0,
  actor: { kind: 'user', id: 'usr_1', label: 'ada@example.com' },
  action: 'auth.login',
  target: 'usr_1',
  outcome: 'success',
  detail: { sessionId: 'ses_1', nested: { list: [1, 'two', null] } },
  ...overrides,
});

/**
 * The UserStore, SessionStore and AuditLog contracts (src/ports/{user,session}-store.ts, audit-log.ts), run
 * against every storage adapter. `open` must return a fresh, empty, migrated store each time.
 */
export function describePeopleContract(name: string, open: () => Promise<Store>): void {
  describe(`${name}: people store`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
    });

    describe('users', () => {
      it('inserts a user and finds them by id and by e-mail in any case', async () => {
        await store.insertUser(aUser({ email: 'Ada@Example.COM' }));
        const stored = aUser({ email: 'ada@example.com' });
        await expect(store.getUser('usr_1')).resolves.toEqual(stored);
        await expect(store.findUserByEmail('ADA@example.com')).resolves.toEqual(stored);
        await expect(store.getUser('usr_none')).resolves.toBeNull();
        await expect(store.findUserByEmail('nobody@example.com')).resolves.toBeNull();
      });

      it('refuses a second user with the same e-mail in another case', async () => {
        await store.insertUser(aUser());
        await expect(
          store.insertUser(aUser({ id: 'usr_2', email: 'ADA@example.com' })),
        ).rejects.toMatchObject({
          code: 'conflict',
        });
        await expect(store.countUsers()).resolves.toBe(1);
      });

      it('lists users oldest first and counts them', async () => {
        await expect(store.countUsers()).resolves.toBe(0);
        await store.insertUser(aUser({ id: 'usr_b', email: 'b@example.com', createdAt: T0 + 2 }));
        await store.insertUser(aUser({ id: 'usr_a', email: 'a@example.com', createdAt: T0 + 1 }));
        await store.insertUser(aUser({ id: 'usr_c', email: 'c@example.com', createdAt: T0 + 2 }));
        expect((await store.listUsers()).map((user) => user.id)).toEqual(['usr_a', 'usr_b', 'usr_c']);
        await expect(store.countUsers()).resolves.toBe(3);
      });

      it('updates only the given fields and returns the result; null for an absent user', async () => {
        await store.insertUser(aUser({ role: 'developer' }));
        const updated = await store.updateUser('usr_1', {
          name: 'Ada L.',
          role: 'viewer',
          lastSignInAt: T0 + 5,
        });
        expect(updated).toEqual(aUser({ role: 'viewer', name: 'Ada L.', lastSignInAt: T0 + 5 }));
        await expect(store.getUser('usr_1')).resolves.toEqual(updated);
        await store.updateUser('usr_1', { disabledAt: T0 + 9, passwordHash: 'new-hash' });
        await expect(store.getUser('usr_1')).resolves.toMatchObject({
          disabledAt: T0 + 9,
          passwordHash: 'new-hash',
        });
        await store.updateUser('usr_1', { disabledAt: null });
        await expect(store.getUser('usr_1')).resolves.toMatchObject({ disabledAt: null });
        await expect(store.updateUser('usr_none', { name: 'x' })).resolves.toBeNull();
      });

      it('never demotes or disables the last enabled admin', async () => {
        await store.insertUser(aUser());
        await store.insertUser(
          aUser({ id: 'usr_2', email: 'bob@example.com', role: 'admin', disabledAt: T0 }),
        );
        await expect(store.updateUser('usr_1', { role: 'developer' })).rejects.toMatchObject({
          code: 'conflict',
        });
        await expect(store.updateUser('usr_1', { disabledAt: T0 + 1 })).rejects.toMatchObject({
          code: 'conflict',
        });
        await expect(store.getUser('usr_1')).resolves.toEqual(aUser());
        // Other changes to the last admin are fine.
        await expect(store.updateUser('usr_1', { name: 'Still admin' })).resolves.toMatchObject({
          role: 'admin',
        });
        // Once another admin is enabled, the first may step down.
        await store.updateUser('usr_2', { disabledAt: null });
        await expect(store.updateUser('usr_1', { role: 'viewer' })).resolves.toMatchObject({
          role: 'viewer',
        });
      });

      it('lets only one of two admins demoting each other at once succeed', async () => {
        await store.insertUser(aUser());
        await store.insertUser(aUser({ id: 'usr_2', email: 'bob@example.com' }));
        const outcomes = await Promise.allSettled([
          store.updateUser('usr_1', { role: 'developer' }),
          store.updateUser('usr_2', { disabledAt: T0 + 1 }),
        ]);
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
        expect(rejected?.reason).toMatchObject({ code: 'conflict' });
        const admins = (await store.listUsers()).filter(
          (user) => user.role === 'admin' && user.disabledAt === null,
        );
        expect(admins).toHaveLength(1);
      });
    });

    describe('sessions', () => {
      beforeEach(async () => {
        await store.insertUser(aUser());
      });

      it('inserts a session and finds it by token digest', async () => {
        await store.insertSession(aSession());
        await expect(store.findSessionByTokenHash('a'.repeat(64))).resolves.toEqual(aSession());
        await expect(store.findSessionByTokenHash('b'.repeat(64))).resolves.toBeNull();
        await expect(store.insertSession(aSession({ id: 'ses_2' }))).rejects.toMatchObject({
          code: 'conflict',
        });
      });

      it('refuses a session of a user that does not exist', async () => {
        await expect(store.insertSession(aSession({ userId: 'usr_none' }))).rejects.toMatchObject({
          code: 'not_found',
        });
      });

      it('moves lastSeenAt only forward', async () => {
        await store.insertSession(aSession());
        await store.touchSession('ses_1', T0 + 100);
        await store.touchSession('ses_1', T0 + 50);
        await expect(store.findSessionByTokenHash('a'.repeat(64))).resolves.toMatchObject({
          lastSeenAt: T0 + 100,
        });
      });

      it('revokes once, keeping the first time, and revokes all live sessions of a user', async () => {
        await store.insertSession(aSession());
        await store.insertSession(aSession({ id: 'ses_2', tokenHash: 'b'.repeat(64) }));
        await store.insertSession(aSession({ id: 'ses_3', tokenHash: 'c'.repeat(64) }));
        await expect(store.revokeSession('ses_1', T0 + 10)).resolves.toBe(true);
        await expect(store.revokeSession('ses_1', T0 + 20)).resolves.toBe(true);
        await expect(store.revokeSession('ses_none', T0)).resolves.toBe(false);
        await expect(store.revokeUserSessions('usr_1', T0 + 30)).resolves.toBe(2);
        const revoked = await Promise.all(
          ['a', 'b', 'c'].map((letter) => store.findSessionByTokenHash(letter.repeat(64))),
        );
        expect(revoked.map((session) => session?.revokedAt)).toEqual([T0 + 10, T0 + 30, T0 + 30]);
      });

      it('purges sessions that expired or were revoked before a time', async () => {
        await store.insertSession(aSession({ expiresAt: T0 + 10 }));
        await store.insertSession(aSession({ id: 'ses_2', tokenHash: 'b'.repeat(64), revokedAt: T0 + 5 }));
        await store.insertSession(aSession({ id: 'ses_3', tokenHash: 'c'.repeat(64) }));
        await expect(store.purgeSessions(T0 + 20)).resolves.toBe(2);
        await expect(store.findSessionByTokenHash('c'.repeat(64))).resolves.toEqual(
          aSession({ id: 'ses_3', tokenHash: 'c'.repeat(64) }),
        );
      });
    });

    describe('audit log', () => {
      it('lists events newest first with their actor and detail', async () => {
        await store.appendAuditEvent(anAuditEvent());
        await store.appendAuditEvent(
          anAuditEvent({
            id: 'aud_2',
            at: T0 + 1,
            actor: { kind: 'anonymous', id: null, label: 'eve@example.com' },
            action: 'auth.login_failed',
            target: null,
            outcome: 'failure',
            detail: {},
          }),
        );
        const page = await store.listAuditEvents({ limit: 10 });
        expect(page.items.map((event) => event.id)).toEqual(['aud_2', 'aud_1']);
        expect(page.items[1]).toEqual(anAuditEvent());
        expect(page.items[0]?.actor).toEqual({ kind: 'anonymous', id: null, label: 'eve@example.com' });
        expect(page.nextCursor).toBeNull();
      });

      it('pages with a cursor through events sharing a time, and filters by action', async () => {
        for (let index = 0; index < 7; index++) {
          await store.appendAuditEvent(
            anAuditEvent({
              id: `aud_${index}`,
              at: T0 + Math.floor(index / 3),
              action: index % 2 === 0 ? 'user.create' : 'auth.login',
            }),
          );
        }
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listAuditEvents({ limit: 2, ...(cursor === undefined ? {} : { cursor }) });
          seen.push(...page.items.map((event) => event.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor !== undefined);
        expect(seen).toEqual(['aud_6', 'aud_5', 'aud_4', 'aud_3', 'aud_2', 'aud_1', 'aud_0']);
        const creates = await store.listAuditEvents({ limit: 10, action: 'user.create' });
        expect(creates.items.map((event) => event.id)).toEqual(['aud_6', 'aud_4', 'aud_2', 'aud_0']);
      });

      it('refuses a malformed cursor and a duplicate id', async () => {
        await expect(store.listAuditEvents({ limit: 1, cursor: 'not a cursor' })).rejects.toMatchObject({
          code: 'invalid_request',
          param: 'cursor',
        });
        await store.appendAuditEvent(anAuditEvent());
        await expect(store.appendAuditEvent(anAuditEvent())).rejects.toMatchObject({ code: 'conflict' });
      });
    });
  });
}
