import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOpenAiError } from './expect-openai-error.js';
import type { Answer } from './send-request.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

interface Call {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  json?: unknown;
  /** Sent as `Authorization: Bearer <key>`. */
  key?: string;
  /** A signed-in browser: its cookie, and its CSRF token when `csrf` is true. */
  as?: Browser;
  csrf?: boolean;
  headers?: Record<string, string>;
}

interface Browser {
  cookie: string;
  csrfToken: string;
  userId: string;
}

interface UserView {
  id: string;
  email: string;
  name: string;
  role: string;
  createdAt: number;
  disabledAt: number | null;
  lastSignInAt: number | null;
}

interface AuditEventView {
  id: string;
  at: number;
  actor: { kind: string; id: string | null; label: string };
  action: string;
  target: string | null;
  outcome: string;
  detail: Record<string, unknown>;
}

const PASSWORD = 'correct horse battery staple';

async function send(gateway: TestGateway, call: Call): Promise<Answer> {
  const headers: Record<string, string> = { ...call.headers };
  if (call.key !== undefined) headers.authorization = `Bearer ${call.key}`;
  if (call.as !== undefined) headers.cookie = call.as.cookie;
  if (call.as !== undefined && call.csrf === true) headers['x-csrf-token'] = call.as.csrfToken;
  if (call.json !== undefined) headers['content-type'] = 'application/json';
  const response = await request(`${gateway.baseUrl}${call.path}`, {
    method: call.method ?? (call.json === undefined ? 'GET' : 'POST'),
    headers,
    ...(call.json === undefined ? {} : { body: JSON.stringify(call.json) }),
  });
  const text = await response.body.text();
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join('\n') : value;
  }
  return { status: response.statusCode, headers: flat, text, json: () => JSON.parse(text) as unknown };
}

describe('people and sign-in, through the real server', () => {
  let gateway: TestGateway;
  let admin: Browser;
  const call = (options: Call) => send(gateway, options);

  async function signIn(email: string, password = PASSWORD): Promise<Browser> {
    const answer = await call({ path: '/api/auth/login', json: { email, password } });
    expect(answer.status, answer.text).toBe(200);
    const body = answer.json() as { user: UserView; csrfToken: string };
    const cookie = /^slipway_session=([^;]+)/.exec(answer.headers['set-cookie'] ?? '')?.[1];
    expect(cookie).toBeDefined();
    return { cookie: `slipway_session=${cookie}`, csrfToken: body.csrfToken, userId: body.user.id };
  }

  async function createUser(options: { email: string; role: string; by: Browser }): Promise<UserView> {
    const answer = await call({
      path: '/api/users',
      as: options.by,
      csrf: true,
      json: {
        email: options.email,
        name: options.email.split('@')[0],
        role: options.role,
        password: PASSWORD,
      },
    });
    expect(answer.status, answer.text).toBe(201);
    return answer.json() as UserView;
  }

  async function auditEvents(action?: string): Promise<AuditEventView[]> {
    const answer = await call({
      path: `/api/audit?limit=500${action ? `&action=${action}` : ''}`,
      as: admin,
    });
    expect(answer.status, answer.text).toBe(200);
    return (answer.json() as { data: AuditEventView[] }).data;
  }

  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(() => gateway.close());

  it('tells the dashboard whether anyone can sign in yet, and the bootstrap key creates the first admin', async () => {
    expect((await call({ path: '/api/auth/setup-status' })).json()).toEqual({ hasUsers: false });
    const created = await call({
      path: '/api/users',
      key: gateway.adminKey,
      json: { email: 'Ada@Example.com', name: 'Ada', role: 'admin', password: PASSWORD },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json()).toEqual({
      id: expect.stringMatching(/^usr_/),
      email: 'ada@example.com',
      name: 'Ada',
      role: 'admin',
      createdAt: expect.any(Number),
      disabledAt: null,
      lastSignInAt: null,
    });
    expect(created.text).not.toMatch(/password|scrypt/i);
    expect((await call({ path: '/api/auth/setup-status' })).json()).toEqual({ hasUsers: true });
  });

  it('refuses a short password with a 400 naming the field', async () => {
    const answer = await call({
      path: '/api/users',
      key: gateway.adminKey,
      json: { email: 'short@example.com', name: 'Short', role: 'viewer', password: 'too short' },
    });
    expect(expectOpenAiError(answer, 'invalid_request').param).toBe('password');
  });

  it('signs in with an HttpOnly, SameSite=Strict session cookie and returns the user and a CSRF token', async () => {
    const answer = await call({
      path: '/api/auth/login',
      json: { email: 'ADA@example.com', password: PASSWORD },
    });
    expect(answer.status, answer.text).toBe(200);
    const body = answer.json() as { user: UserView; csrfToken: string };
    expect(body.user).toMatchObject({
      email: 'ada@example.com',
      role: 'admin',
      lastSignInAt: expect.any(Number),
    });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const setCookie = answer.headers['set-cookie'] ?? '';
    expect(setCookie).toMatch(/^slipway_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Strict/i);
    expect(setCookie).toMatch(/; Path=\//);
    expect(setCookie).toMatch(/; Max-Age=604800/);
    // Plain HTTP without auth.secureCookies: a Secure cookie would never be sent back.
    expect(setCookie).not.toMatch(/; Secure/i);
    admin = {
      cookie: setCookie.split(';')[0] ?? '',
      csrfToken: body.csrfToken,
      userId: body.user.id,
    };
    const session = await call({ path: '/api/auth/session', as: admin });
    expect(session.json()).toEqual({ user: body.user, csrfToken: body.csrfToken });
  });

  it('authenticates GETs by the cookie alone', async () => {
    const whoami = await call({ path: '/api/whoami', as: admin });
    expect(whoami.json()).toEqual({ kind: 'user', id: admin.userId, role: 'admin', projectScope: null });
    expect((await call({ path: '/api/keys', as: admin })).status).toBe(200);
  });

  it('refuses an unsafe request without the CSRF token, or with a wrong one, and accepts it with the token', async () => {
    const json = { name: 'from-dashboard' };
    const without = await call({ path: '/api/projects', as: admin, json });
    expect(expectOpenAiError(without, 'forbidden').message).toMatch(/x-csrf-token/);
    const wrong = await call({
      path: '/api/projects',
      as: admin,
      json,
      headers: { 'x-csrf-token': 'x'.repeat(43) },
    });
    expectOpenAiError(wrong, 'forbidden');
    const right = await call({ path: '/api/projects', as: admin, json, csrf: true });
    expect(right.status, right.text).toBe(201);
  });

  it('answers a wrong password and an unknown e-mail with the same generic 401', async () => {
    const wrong = await call({
      path: '/api/auth/login',
      json: { email: 'ada@example.com', password: 'not the password' },
    });
    const unknown = await call({
      path: '/api/auth/login',
      json: { email: 'nobody@example.com', password: PASSWORD },
    });
    const first = expectOpenAiError(wrong, 'unauthorized');
    expect(expectOpenAiError(unknown, 'unauthorized')).toEqual(first);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('gives a viewer read access but refuses them every manage endpoint', async () => {
    await createUser({ email: 'vic@example.com', role: 'viewer', by: admin });
    const viewer = await signIn('vic@example.com');
    expect((await call({ path: '/api/users', as: viewer })).status).toBe(200);
    expect((await call({ path: '/api/interactions', as: viewer })).status).toBe(200);
    expectOpenAiError(await call({ path: '/api/audit', as: viewer }), 'forbidden');
    expectOpenAiError(
      await call({
        path: '/api/users',
        as: viewer,
        csrf: true,
        json: { email: 'x@example.com', name: 'X', role: 'admin', password: PASSWORD },
      }),
      'forbidden',
    );
    expectOpenAiError(
      await call({ path: '/api/keys', as: viewer, csrf: true, json: { name: 'nope', role: 'app' } }),
      'forbidden',
    );
  });

  it('applies a role change to a live session at once', async () => {
    const dev = await createUser({ email: 'dev@example.com', role: 'viewer', by: admin });
    const browser = await signIn('dev@example.com');
    expectOpenAiError(await call({ path: '/api/audit', as: browser }), 'forbidden');
    const changed = await call({
      method: 'PATCH',
      path: `/api/users/${dev.id}`,
      as: admin,
      csrf: true,
      json: { role: 'admin' },
    });
    expect(changed.json()).toMatchObject({ id: dev.id, role: 'admin' });
    expect((await call({ path: '/api/audit', as: browser })).status).toBe(200);
    await call({
      method: 'PATCH',
      path: `/api/users/${dev.id}`,
      as: admin,
      csrf: true,
      json: { role: 'viewer' },
    });
    expectOpenAiError(await call({ path: '/api/audit', as: browser }), 'forbidden');
  });

  it('ends every session of a disabled person, refuses their sign-in, and lets them back once enabled', async () => {
    const person = await createUser({ email: 'dora@example.com', role: 'developer', by: admin });
    const first = await signIn('dora@example.com');
    const second = await signIn('dora@example.com');
    const disabled = await call({
      method: 'PATCH',
      path: `/api/users/${person.id}`,
      as: admin,
      csrf: true,
      json: { disabled: true },
    });
    expect(disabled.json()).toMatchObject({ disabledAt: expect.any(Number) });
    for (const browser of [first, second]) {
      expectOpenAiError(await call({ path: '/api/whoami', as: browser }), 'unauthorized');
    }
    const refused = await call({
      path: '/api/auth/login',
      json: { email: 'dora@example.com', password: PASSWORD },
    });
    expect(expectOpenAiError(refused, 'unauthorized').message).toBe('Wrong e-mail or password.');
    await call({
      method: 'PATCH',
      path: `/api/users/${person.id}`,
      as: admin,
      csrf: true,
      json: { disabled: false },
    });
    await signIn('dora@example.com');
  });

  it('never demotes or disables the last enabled admin', async () => {
    for (const json of [{ role: 'developer' }, { disabled: true }]) {
      const answer = await call({
        method: 'PATCH',
        path: `/api/users/${admin.userId}`,
        as: admin,
        csrf: true,
        json,
      });
      expectOpenAiError(answer, 'conflict');
    }
    expect((await call({ path: '/api/whoami', as: admin })).json()).toMatchObject({ role: 'admin' });
  });

  it('limits failed sign-ins per e-mail with 429 and Retry-After, even for the right password then', async () => {
    await createUser({ email: 'rita@example.com', role: 'viewer', by: admin });
    for (let attempt = 0; attempt < 5; attempt++) {
      const answer = await call({
        path: '/api/auth/login',
        json: { email: 'rita@example.com', password: 'wrong guess!' },
      });
      expectOpenAiError(answer, 'unauthorized');
    }
    const limited = await call({
      path: '/api/auth/login',
      json: { email: 'rita@example.com', password: PASSWORD },
    });
    expectOpenAiError(limited, 'rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    // Other accounts are not locked out by it.
    await signIn('vic@example.com');
  });

  it('keeps the gateway bearer-only: a session cookie does not call /v1', async () => {
    const answer = await call({
      path: '/v1/chat/completions',
      as: admin,
      csrf: true,
      json: { model: 'offline-extractive', messages: [{ role: 'user', content: 'hi' }] },
    });
    expectOpenAiError(answer, 'unauthorized');
  });

  it('prefers an Authorization header over the cookie', async () => {
    const viewerKey = await gateway.createKey({ role: 'viewer' });
    const answer = await call({ path: '/api/whoami', as: admin, key: viewerKey });
    expect(answer.json()).toMatchObject({ kind: 'api_key', role: 'viewer' });
  });

  it('records sign-ins, failures, people changes and key changes in the audit log, with the actor', async () => {
    const key = await call({
      path: '/api/keys',
      as: admin,
      csrf: true,
      json: { name: 'audited', role: 'app' },
    });
    const keyId = (key.json() as { key: { id: string } }).key.id;
    await call({ method: 'DELETE', path: `/api/keys/${keyId}`, as: admin, csrf: true });

    const events = await auditEvents();
    const times = events.map((event) => event.at);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const firstAdmin = events.find(
      (event) => event.action === 'user.create' && event.detail.email === 'ada@example.com',
    );
    expect(firstAdmin?.actor).toEqual({
      kind: 'api_key',
      id: expect.stringMatching(/^key_/),
      label: expect.any(String),
    });
    const byAdmin = { kind: 'user', id: admin.userId, label: 'ada@example.com' };
    expect(
      events.find((event) => event.action === 'user.create' && event.detail.email === 'vic@example.com'),
    ).toMatchObject({
      actor: byAdmin,
      outcome: 'success',
    });
    expect(events.find((event) => event.action === 'user.role_change')).toMatchObject({
      actor: byAdmin,
      detail: { from: 'admin', to: 'viewer' },
    });
    expect(events.filter((event) => event.action === 'user.disable')).toHaveLength(1);
    expect(events.filter((event) => event.action === 'user.enable')).toHaveLength(1);
    expect(events.find((event) => event.action === 'auth.login')).toMatchObject({ actor: { kind: 'user' } });
    const failures = events.filter((event) => event.action === 'auth.login_failed');
    expect(failures.map((event) => event.detail.email)).toEqual(
      expect.arrayContaining(['nobody@example.com', 'rita@example.com']),
    );
    expect(failures.every((event) => event.outcome === 'failure' && event.actor.kind === 'anonymous')).toBe(
      true,
    );
    expect(JSON.stringify(events)).not.toContain('wrong guess!');
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
    expect(events.find((event) => event.action === 'key.create')).toMatchObject({
      actor: byAdmin,
      target: keyId,
    });
    expect(events.find((event) => event.action === 'key.revoke')).toMatchObject({
      actor: byAdmin,
      target: keyId,
    });

    const logins = await auditEvents('auth.login');
    expect(logins.length).toBeGreaterThan(0);
    expect(new Set(logins.map((event) => event.action))).toEqual(new Set(['auth.login']));
    const firstPage = await call({ path: '/api/audit?limit=2', as: admin });
    const page = firstPage.json() as { data: AuditEventView[]; next_cursor: string | null };
    expect(page.data).toHaveLength(2);
    const next = await call({ path: `/api/audit?limit=2&cursor=${page.next_cursor}`, as: admin });
    expect((next.json() as { data: AuditEventView[] }).data[0]?.id).toBe(events[2]?.id);
  });

  it('signs out: 204, the cookie cleared, the session gone; the audit log says so', async () => {
    const browser = await signIn('vic@example.com');
    expectOpenAiError(await call({ method: 'POST', path: '/api/auth/logout', as: browser }), 'forbidden');
    const answer = await call({ method: 'POST', path: '/api/auth/logout', as: browser, csrf: true });
    expect(answer.status).toBe(204);
    expect(answer.headers['set-cookie']).toMatch(/^slipway_session=;/);
    expectOpenAiError(await call({ path: '/api/auth/session', as: browser }), 'unauthorized');
    expectOpenAiError(await call({ path: '/api/whoami', as: browser }), 'unauthorized');
    // Signing out twice is harmless.
    expect((await call({ method: 'POST', path: '/api/auth/logout', as: browser, csrf: true })).status).toBe(
      204,
    );
    expect((await auditEvents('auth.logout'))[0]).toMatchObject({
      actor: { kind: 'user', id: browser.userId },
    });
  });

  it('answers requests with a forged or malformed session cookie with 401', async () => {
    for (const cookie of [
      'slipway_session=forged',
      `slipway_session=${'A'.repeat(43)}`,
      'slipway_session=%ZZ',
    ]) {
      expectOpenAiError(await call({ path: '/api/whoami', headers: { cookie } }), 'unauthorized');
    }
    expectOpenAiError(await call({ path: '/api/auth/session' }), 'unauthorized');
  });
});

describe('the login body, fuzzed', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    // Limits high enough that the fuzzer's failures do not turn into 429s.
    gateway = await startTestGateway(
      'auth:\n  loginFailuresPerEmail: 100000\n  loginFailuresPerIp: 100000\n',
    );
  });
  afterAll(() => gateway.close());

  it('answers any JSON with 400 or 401, never a 500', async () => {
    const field = fc.oneof(
      fc.string(),
      fc.constant('ada@example.com'),
      fc.integer(),
      fc.constant(null),
      fc.object(),
    );
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record({ email: field, password: field }, { requiredKeys: [] }),
      fc.record({ email: fc.string({ minLength: 1 }), password: fc.string({ minLength: 1 }) }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (json) => {
        const answer = await send(gateway, { path: '/api/auth/login', json: json ?? null });
        expect([400, 401], answer.text).toContain(answer.status);
        expectOpenAiError(answer);
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
