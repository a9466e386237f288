import { beforeEach, describe, expect, it } from 'vitest';
import { FakePasswordHasher } from '../../test/doubles/fake-password-hasher.js';
import { InMemoryPeopleStore } from '../../test/doubles/in-memory-people-store.js';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import { SeededRandom } from '../../test/doubles/seeded-random.js';
import type { AuditActor } from '../ports/audit-log.js';
import { makeUserManagement } from './manage-users.js';
import type { AuditEntry } from './record-audit.js';

const by: AuditActor = { kind: 'api_key', id: 'key_1', label: 'key_1' };
const password = 'twelve chars!';

describe('manage users', () => {
  let store: InMemoryPeopleStore;
  let clock: ManualClock;
  let audited: AuditEntry[];
  let users: ReturnType<typeof makeUserManagement>;

  beforeEach(() => {
    store = new InMemoryPeopleStore();
    clock = new ManualClock();
    audited = [];
    users = makeUserManagement({
      store,
      hasher: new FakePasswordHasher(),
      clock,
      random: new SeededRandom(),
      recordAudit: async (entry) => {
        audited.push(entry);
      },
    });
  });

  it('creates a user with a lower-cased e-mail and a hashed password, shown without the hash, and audits it', async () => {
    const created = await users.createUser(
      { email: ' Ada@Example.COM ', name: ' Ada ', role: 'admin', password },
      by,
    );
    expect(created).toEqual({
      id: 'usr_000001',
      email: 'ada@example.com',
      name: 'Ada',
      role: 'admin',
      createdAt: clock.now(),
      disabledAt: null,
      lastSignInAt: null,
    });
    expect(store.users.get(created.id)?.passwordHash).toBe(`fake:1:${password}`);
    expect(audited).toEqual([
      {
        actor: by,
        action: 'user.create',
        target: created.id,
        detail: { email: 'ada@example.com', role: 'admin' },
      },
    ]);
    await expect(users.hasUsers()).resolves.toBe(true);
  });

  it('refuses passwords shorter than 12 characters (counted in code points) or absurdly long', async () => {
    for (const bad of ['eleven char', '🔑'.repeat(11), 'x'.repeat(1025)]) {
      await expect(
        users.createUser({ email: 'a@example.com', name: 'A', role: 'viewer', password: bad }, by),
      ).rejects.toMatchObject({
        code: 'invalid_request',
        param: 'password',
      });
    }
    await expect(users.hasUsers()).resolves.toBe(false);
    await users.createUser(
      { email: 'a@example.com', name: 'A', role: 'viewer', password: '🔑'.repeat(12) },
      by,
    );
  });

  it('audits a role change with from and to, and a rename', async () => {
    const admin = await users.createUser(
      { email: 'ada@example.com', name: 'Ada', role: 'admin', password },
      by,
    );
    const other = await users.createUser(
      { email: 'bob@example.com', name: 'Bob', role: 'viewer', password },
      by,
    );
    audited.length = 0;
    const updated = await users.updateUser(other.id, { role: 'developer', name: 'Robert' }, by);
    expect(updated).toMatchObject({ role: 'developer', name: 'Robert' });
    expect(audited.map((entry) => [entry.action, entry.detail])).toEqual([
      ['user.rename', { email: 'bob@example.com', from: 'Bob', to: 'Robert' }],
      ['user.role_change', { email: 'bob@example.com', from: 'viewer', to: 'developer' }],
    ]);
    // Nothing changes, nothing is audited.
    audited.length = 0;
    await users.updateUser(admin.id, { role: 'admin', disabled: false, name: 'Ada' }, by);
    expect(audited).toEqual([]);
  });

  it('disabling ends every session; enabling is audited too', async () => {
    await users.createUser({ email: 'ada@example.com', name: 'Ada', role: 'admin', password }, by);
    const bob = await users.createUser(
      { email: 'bob@example.com', name: 'Bob', role: 'viewer', password },
      by,
    );
    for (const id of ['ses_a', 'ses_b']) {
      await store.insertSession({
        id,
        tokenHash: id,
        userId: bob.id,
        csrfToken: 'c',
        createdAt: 0,
        lastSeenAt: 0,
        expiresAt: clock.now() + 1000,
        revokedAt: null,
      });
    }
    clock.advance(5);
    await expect(users.updateUser(bob.id, { disabled: true }, by)).resolves.toMatchObject({
      disabledAt: clock.now(),
    });
    expect([...store.sessions.values()].map((session) => session.revokedAt)).toEqual([
      clock.now(),
      clock.now(),
    ]);
    await expect(users.updateUser(bob.id, { disabled: false }, by)).resolves.toMatchObject({
      disabledAt: null,
    });
    expect(audited.slice(-2).map((entry) => entry.action)).toEqual(['user.disable', 'user.enable']);
  });

  it('setting a password rehashes it, ends sessions and is audited without the password', async () => {
    const bob = await users.createUser(
      { email: 'bob@example.com', name: 'Bob', role: 'viewer', password },
      by,
    );
    await users.updateUser(bob.id, { password: 'a brand new passphrase' }, by);
    expect(store.users.get(bob.id)?.passwordHash).toBe('fake:1:a brand new passphrase');
    expect(audited.at(-1)).toEqual({
      actor: by,
      action: 'user.password_change',
      target: bob.id,
      detail: { email: 'bob@example.com' },
    });
    await expect(users.updateUser(bob.id, { password: 'short' }, by)).rejects.toMatchObject({
      param: 'password',
    });
  });

  it('refuses to demote or disable the last enabled admin, and answers not_found for unknown ids', async () => {
    const admin = await users.createUser(
      { email: 'ada@example.com', name: 'Ada', role: 'admin', password },
      by,
    );
    await expect(users.updateUser(admin.id, { role: 'viewer' }, by)).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(users.updateUser(admin.id, { disabled: true }, by)).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(users.updateUser('usr_none', { role: 'viewer' }, by)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(audited.map((entry) => entry.action)).toEqual(['user.create']);
  });
});
