import { beforeEach, describe, expect, it } from 'vitest';
import { FakePasswordHasher } from '../../test/doubles/fake-password-hasher.js';
import { InMemoryPeopleStore } from '../../test/doubles/in-memory-people-store.js';
import { InMemoryUsageLedger } from '../../test/doubles/in-memory-usage-ledger.js';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import { SeededRandom } from '../../test/doubles/seeded-random.js';
import type { SecretHasher } from '../ports/secret-hasher.js';
import type { UserRecord } from '../ports/user-store.js';
import type { AuditEntry } from './record-audit.js';
import { makeSignIn, type SignInPolicy } from './sign-in.js';

const HOUR = 3_600_000;
const policy: SignInPolicy = {
  sessionTtlMs: 7 * 24 * HOUR,
  sessionIdleMs: 12 * HOUR,
  loginFailuresPerEmail: 3,
  loginFailuresPerIp: 5,
  loginWindowMs: 15 * 60_000,
};
const tokens: SecretHasher = { digest: (secret) => `digest(${secret})`, equal: (a, b) => a === b };
const password = 'correct horse battery';

describe('sign in', () => {
  let store: InMemoryPeopleStore;
  let ledger: InMemoryUsageLedger;
  let clock: ManualClock;
  let passwords: FakePasswordHasher;
  let audited: AuditEntry[];
  let service: ReturnType<typeof makeSignIn>;
  let ada: UserRecord;

  beforeEach(async () => {
    store = new InMemoryPeopleStore();
    ledger = new InMemoryUsageLedger();
    // Aligned to the start of a 15-minute window, so that Retry-After is the whole window.
    clock = new ManualClock(Date.UTC(2025, 0, 15, 12, 0, 0));
    passwords = new FakePasswordHasher();
    audited = [];
    service = makeSignIn({
      store,
      ledger,
      passwords,
      tokens,
      clock,
      random: new SeededRandom(),
      recordAudit: async (entry) => {
        audited.push(entry);
      },
      policy,
    });
    ada = {
      id: 'usr_ada',
      email: 'ada@example.com',
      name: 'Ada',
      role: 'admin',
      passwordHash: `fake:1:${password}`,
      createdAt: 0,
      disabledAt: null,
      lastSignInAt: null,
    };
    await store.insertUser(ada);
  });

  const attempt = (email: string, secret: string, clientIp = '10.0.0.1') =>
    service.signIn({ email, password: secret, clientIp });

  it('creates a session whose token is stored only as a digest, with the policy expiry and a CSRF token', async () => {
    const signedIn = await attempt('ADA@example.com', password);
    expect(signedIn.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signedIn.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signedIn.csrfToken).not.toBe(signedIn.token);
    expect(signedIn.user).toMatchObject({ id: 'usr_ada', lastSignInAt: clock.now() });
    expect(signedIn.user).not.toHaveProperty('passwordHash');
    const [session] = [...store.sessions.values()];
    expect(session).toMatchObject({
      tokenHash: `digest(${signedIn.token})`,
      userId: 'usr_ada',
      csrfToken: signedIn.csrfToken,
      expiresAt: clock.now() + policy.sessionTtlMs,
    });
    expect(JSON.stringify([...store.sessions.values()])).not.toContain(`"${signedIn.token}"`);
    expect(audited).toEqual([
      {
        actor: { kind: 'user', id: 'usr_ada', label: 'ada@example.com' },
        action: 'auth.login',
        target: 'usr_ada',
        detail: { sessionId: session?.id },
      },
    ]);
    // A success does not count against the limits.
    await expect(
      ledger.usage([{ counter: 'login:email:ada@example.com', windowStart: clock.now() }]),
    ).resolves.toEqual([0]);
  });

  it('fails alike for a wrong password, an unknown e-mail and a disabled account, still verifying a hash', async () => {
    await store.insertUser({ ...ada, id: 'usr_off', email: 'off@example.com', disabledAt: 1 });
    const failures = await Promise.allSettled([
      attempt('ada@example.com', 'wrong password'),
      attempt('nobody@example.com', password),
      attempt('off@example.com', password),
    ]);
    const messages = failures.map((failure) =>
      failure.status === 'rejected' ? (failure.reason as Error).message : 'ok',
    );
    expect(new Set(messages)).toEqual(new Set(['Wrong e-mail or password.']));
    expect(passwords.verified).toEqual([ada.passwordHash, null, ada.passwordHash]);
    expect(audited.map((entry) => [entry.action, entry.outcome, entry.detail?.reason])).toEqual([
      ['auth.login_failed', 'failure', 'wrong_password'],
      ['auth.login_failed', 'failure', 'unknown_email'],
      ['auth.login_failed', 'failure', 'disabled'],
    ]);
    expect(JSON.stringify(audited)).not.toContain('wrong password');
    expect(store.sessions.size).toBe(0);
  });

  it('limits failures per e-mail, then refuses even the right password until the window ends', async () => {
    for (let index = 0; index < 3; index++) {
      await expect(attempt('ada@example.com', 'nope nope nope')).rejects.toMatchObject({
        code: 'unauthorized',
      });
    }
    const limited = attempt('ada@example.com', password);
    await expect(limited).rejects.toMatchObject({ code: 'rate_limited', retryAfterMs: policy.loginWindowMs });
    expect(audited.at(-1)).toMatchObject({ action: 'auth.login_failed', detail: { reason: 'rate_limited' } });
    // Another e-mail from another address is unaffected; the next window forgives.
    await store.insertUser({ ...ada, id: 'usr_bob', email: 'bob@example.com' });
    await expect(attempt('bob@example.com', password, '10.0.0.2')).resolves.toMatchObject({
      user: { id: 'usr_bob' },
    });
    clock.advance(policy.loginWindowMs);
    await expect(attempt('ada@example.com', password)).resolves.toMatchObject({ user: { id: 'usr_ada' } });
  });

  it('limits failures per client IP across e-mails', async () => {
    for (let index = 0; index < 5; index++) {
      await expect(attempt(`guess${index}@example.com`, 'whatever it is')).rejects.toMatchObject({
        code: 'unauthorized',
      });
    }
    await expect(attempt('ada@example.com', password)).rejects.toMatchObject({ code: 'rate_limited' });
    await expect(attempt('ada@example.com', password, '10.0.0.9')).resolves.toBeDefined();
  });

  it('rehashes a password stored with weaker parameters at sign-in', async () => {
    const stronger = new FakePasswordHasher(2);
    const rehashing = makeSignIn({
      store,
      ledger,
      passwords: stronger,
      tokens,
      clock,
      random: new SeededRandom(7),
      recordAudit: async () => undefined,
      policy,
    });
    await rehashing.signIn({ email: 'ada@example.com', password, clientIp: '10.0.0.1' });
    expect(store.users.get('usr_ada')?.passwordHash).toBe(`fake:2:${password}`);
  });

  describe('authenticating a session token', () => {
    it('returns the user as stored now, so that role changes apply at once', async () => {
      const { token } = await attempt('ada@example.com', password);
      await store.insertUser({ ...ada, id: 'usr_2', email: 'two@example.com' });
      await store.updateUser('usr_ada', { role: 'viewer' });
      await expect(service.authenticateSession(token)).resolves.toMatchObject({ user: { role: 'viewer' } });
    });

    it('refuses unknown and malformed tokens, revoked sessions and disabled users', async () => {
      const { token } = await attempt('ada@example.com', password);
      for (const bad of ['', 'short', `${token.slice(0, -1)}!`, 'A'.repeat(43)]) {
        await expect(service.authenticateSession(bad)).rejects.toMatchObject({ code: 'unauthorized' });
      }
      await store.insertUser({ ...ada, id: 'usr_2', email: 'two@example.com' });
      await store.updateUser('usr_ada', { disabledAt: clock.now() });
      await expect(service.authenticateSession(token)).rejects.toMatchObject({ code: 'unauthorized' });
    });

    it('ends a session after the idle time, and after the absolute lifetime however active', async () => {
      const idle = await attempt('ada@example.com', password);
      clock.advance(policy.sessionIdleMs - 1);
      await expect(service.authenticateSession(idle.token)).resolves.toBeDefined();
      clock.advance(policy.sessionIdleMs);
      await expect(service.authenticateSession(idle.token)).rejects.toMatchObject({ code: 'unauthorized' });

      const active = await attempt('ada@example.com', password);
      const end = clock.now() + policy.sessionTtlMs;
      while (clock.now() + HOUR < end) {
        clock.advance(HOUR);
        await expect(service.authenticateSession(active.token)).resolves.toBeDefined();
      }
      clock.set(end);
      await expect(service.authenticateSession(active.token)).rejects.toMatchObject({ code: 'unauthorized' });
    });

    it('signs out: the session is revoked and the logout audited', async () => {
      const { token } = await attempt('ada@example.com', password);
      await service.signOut(await service.authenticateSession(token));
      await expect(service.authenticateSession(token)).rejects.toMatchObject({ code: 'unauthorized' });
      expect(audited.at(-1)).toMatchObject({ action: 'auth.logout', actor: { kind: 'user', id: 'usr_ada' } });
    });
  });
});
