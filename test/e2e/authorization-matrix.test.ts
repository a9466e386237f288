import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatApiKey } from '../../src/core/api-key-format.js';
import type { Role } from '../../src/core/identity.js';
import { expectOpenAiError } from './expect-openai-error.js';
import { type Answer, type SendOptions, sendRequest } from './send-request.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

let gateway: TestGateway;

/** Project A's and project B's objects, and the callers of project A. */
interface World {
  projects: Record<'alpha' | 'beta', string>;
  interactions: Record<'alpha' | 'beta', string>;
  keys: Record<Role, string>;
  revokedKey: string;
  expiredKey: string;
  /** Signed-in people (no app role for people): the cookie and CSRF headers of each. */
  people: Record<PersonRole, Record<string, string>>;
}
let world: World;

type PersonRole = Exclude<Role, 'app'>;
const PERSON_ROLES: PersonRole[] = ['admin', 'developer', 'viewer'];

const chatBody = {
  model: 'offline-extractive',
  messages: [{ role: 'user', content: 'Refunds take 30 days. How long do refunds take?' }],
};
const embeddingBody = { model: 'offline-hashed-ngrams', input: 'refund policy' };

const call = (options: SendOptions) => sendRequest(gateway.baseUrl, options);

function idOf(answer: Answer): string {
  return (answer.json() as { id: string }).id;
}

async function chatAs(key: string): Promise<string> {
  const answer = await call({ path: '/v1/chat/completions', key, json: chatBody });
  expect(answer.status, answer.text).toBe(200);
  return answer.headers['x-slipway-interaction-id'] ?? '';
}

/** A key id to revoke, made afresh so that each revocation case has its own. */
async function freshKeyId(project: string): Promise<string> {
  const created = await gateway.app.keys.createApiKey({ name: 'to revoke', role: 'app', project });
  return created.key.id;
}

beforeAll(async () => {
  gateway = await startTestGateway();
  const projectIds = {} as World['projects'];
  for (const name of ['alpha', 'beta'] as const) {
    const answer = await call({ path: '/api/projects', key: gateway.adminKey, json: { name } });
    expect(answer.status, answer.text).toBe(201);
    projectIds[name] = idOf(answer);
  }
  const keys: World['keys'] = {
    admin: gateway.adminKey,
    developer: await gateway.createKey({ role: 'developer', project: 'alpha' }),
    viewer: await gateway.createKey({ role: 'viewer', project: 'alpha' }),
    app: await gateway.createKey({ role: 'app', project: 'alpha' }),
  };
  const betaApp = await gateway.createKey({ role: 'app', project: 'beta' });
  const interactions = { alpha: await chatAs(keys.app), beta: await chatAs(betaApp) };

  // Used once before its revocation, so that the authentication cache holds it when it is revoked.
  const created = await call({
    path: '/api/keys',
    key: gateway.adminKey,
    json: { name: 'to be revoked', role: 'developer', project: 'alpha' },
  });
  const { key: revokedRecord, secret: revokedKey } = created.json() as {
    key: { id: string };
    secret: string;
  };
  expect((await call({ path: '/api/whoami', key: revokedKey })).status).toBe(200);
  const revoked = await call({
    method: 'DELETE',
    path: `/api/keys/${revokedRecord.id}`,
    key: gateway.adminKey,
  });
  expect(revoked.json()).toMatchObject({ id: revokedRecord.id, revokedAt: expect.any(Number) });

  // Expires 8.64 ms after creation.
  const expiredKey = (
    await gateway.app.keys.createApiKey({
      name: 'short-lived',
      role: 'developer',
      project: 'alpha',
      expiresInDays: 1e-7,
    })
  ).secret;
  await sleep(20);
  await gateway.flushLog();

  const people = {} as World['people'];
  for (const role of PERSON_ROLES) {
    const email = `${role}@example.com`;
    const password = `${role} passphrase for the matrix`;
    const by = { kind: 'api_key' as const, id: null, label: 'test' };
    await gateway.app.people.users.createUser({ email, name: role, role, password }, by);
    const login = await call({ path: '/api/auth/login', json: { email, password } });
    expect(login.status, login.text).toBe(200);
    people[role] = {
      cookie: (login.headers['set-cookie'] ?? '').split(';')[0] ?? '',
      'x-csrf-token': (login.json() as { csrfToken: string }).csrfToken,
    };
  }
  world = { projects: projectIds, interactions, keys, revokedKey, expiredKey, people };
});
afterAll(() => gateway.close());

/** One endpoint, as a request built against the world (some create what they act on first). */
interface Operation {
  name: string;
  request: () => Promise<SendOptions> | SendOptions;
}

let projectCounter = 0;
const OPERATIONS = {
  whoami: { name: 'GET /api/whoami', request: () => ({ path: '/api/whoami' }) },
  listProjects: { name: 'GET /api/projects', request: () => ({ path: '/api/projects' }) },
  createProject: {
    name: 'POST /api/projects',
    request: () => ({ path: '/api/projects', json: { name: `project-${++projectCounter}` } }),
  },
  listKeys: { name: 'GET /api/keys', request: () => ({ path: '/api/keys' }) },
  createKey: {
    name: 'POST /api/keys',
    request: () => ({ path: '/api/keys', json: { name: 'made by test', role: 'app', project: 'alpha' } }),
  },
  revokeOwnKey: {
    name: 'DELETE /api/keys/:id (own project)',
    request: async () => ({ method: 'DELETE', path: `/api/keys/${await freshKeyId('alpha')}` }),
  },
  revokeOtherKey: {
    name: "DELETE /api/keys/:id (other project's)",
    request: async () => ({ method: 'DELETE', path: `/api/keys/${await freshKeyId('beta')}` }),
  },
  listRoutes: { name: 'GET /api/routes', request: () => ({ path: '/api/routes' }) },
  listInteractions: { name: 'GET /api/interactions', request: () => ({ path: '/api/interactions' }) },
  getOwnInteraction: {
    name: 'GET /api/interactions/:id (own project)',
    request: () => ({ path: `/api/interactions/${world.interactions.alpha}` }),
  },
  getOtherInteraction: {
    name: "GET /api/interactions/:id (other project's)",
    request: () => ({ path: `/api/interactions/${world.interactions.beta}` }),
  },
  chat: {
    name: 'POST /v1/chat/completions',
    request: () => ({ path: '/v1/chat/completions', json: chatBody }),
  },
  embeddings: {
    name: 'POST /v1/embeddings',
    request: () => ({ path: '/v1/embeddings', json: embeddingBody }),
  },
  models: { name: 'GET /v1/models', request: () => ({ path: '/v1/models' }) },
  listUsers: { name: 'GET /api/users', request: () => ({ path: '/api/users' }) },
  createUser: {
    name: 'POST /api/users',
    request: () => ({
      path: '/api/users',
      json: {
        email: `person-${++projectCounter}@example.com`,
        name: 'P',
        role: 'viewer',
        password: 'a long passphrase',
      },
    }),
  },
  listAudit: { name: 'GET /api/audit', request: () => ({ path: '/api/audit' }) },
  verifyAudit: { name: 'GET /api/audit/verify', request: () => ({ path: '/api/audit/verify' }) },
  listPrincipals: { name: 'GET /api/principals', request: () => ({ path: '/api/principals' }) },
  syncPrincipals: {
    name: 'POST /api/principals/sync',
    request: () => ({ path: '/api/principals/sync', json: { users: [{ id: 'u-1' }], dryRun: true } }),
  },
} satisfies Record<string, Operation>;

type OperationName = keyof typeof OPERATIONS;

/**
 * The expected status per operation and role (callers of project A; an admin sees every project). `whoami` is
 * open to every role, app keys included (README: "GET /api/whoami | any"); the rest of `/api` refuses app keys.
 */
const EXPECTED: Record<OperationName, Record<Role, number>> = {
  whoami: { admin: 200, developer: 200, viewer: 200, app: 200 },
  listProjects: { admin: 200, developer: 200, viewer: 200, app: 403 },
  createProject: { admin: 201, developer: 403, viewer: 403, app: 403 },
  listKeys: { admin: 200, developer: 200, viewer: 200, app: 403 },
  createKey: { admin: 201, developer: 403, viewer: 403, app: 403 },
  revokeOwnKey: { admin: 200, developer: 403, viewer: 403, app: 403 },
  revokeOtherKey: { admin: 200, developer: 403, viewer: 403, app: 403 },
  listRoutes: { admin: 200, developer: 200, viewer: 200, app: 403 },
  listInteractions: { admin: 200, developer: 200, viewer: 200, app: 403 },
  getOwnInteraction: { admin: 200, developer: 200, viewer: 200, app: 403 },
  getOtherInteraction: { admin: 200, developer: 404, viewer: 404, app: 403 },
  chat: { admin: 200, developer: 200, viewer: 403, app: 200 },
  embeddings: { admin: 200, developer: 200, viewer: 403, app: 200 },
  models: { admin: 200, developer: 200, viewer: 200, app: 200 },
  listUsers: { admin: 200, developer: 200, viewer: 200, app: 403 },
  createUser: { admin: 201, developer: 403, viewer: 403, app: 403 },
  listAudit: { admin: 200, developer: 403, viewer: 403, app: 403 },
  verifyAudit: { admin: 200, developer: 403, viewer: 403, app: 403 },
  listPrincipals: { admin: 200, developer: 200, viewer: 200, app: 403 },
  syncPrincipals: { admin: 200, developer: 403, viewer: 403, app: 403 },
};

/** The OpenAI-compatible API takes API keys only, never a dashboard session. */
const GATEWAY_OPERATIONS = new Set<OperationName>(['chat', 'embeddings', 'models']);

/**
 * What a signed-in person gets: the same as a key of the same role, except that people hold an
 * organisation-wide role (no project scope) and the gateway does not accept their cookie.
 */
function expectedForPerson(operation: OperationName, role: PersonRole): number {
  if (GATEWAY_OPERATIONS.has(operation)) return 401;
  if (operation === 'getOtherInteraction') return EXPECTED.getOwnInteraction[role];
  return EXPECTED[operation][role];
}
const PERSON_CASES = (Object.keys(EXPECTED) as OperationName[]).flatMap((operation) =>
  PERSON_ROLES.map((role) => ({ operation, role, status: expectedForPerson(operation, role) })),
);

const ERROR_CODE_OF: Record<number, string> = { 401: 'unauthorized', 403: 'forbidden', 404: 'not_found' };

const ROLES: Role[] = ['admin', 'developer', 'viewer', 'app'];
const ROLE_CASES = (Object.keys(EXPECTED) as OperationName[]).flatMap((operation) =>
  ROLES.map((role) => ({ operation, role, status: EXPECTED[operation][role] })),
);

/** Credentials that must never get past authentication, as request headers. */
const BAD_CREDENTIALS: Array<{ credential: string; headers: () => Record<string, string> }> = [
  { credential: 'no credential', headers: () => ({}) },
  { credential: 'an empty bearer', headers: () => ({ authorization: 'Bearer ' }) },
  { credential: 'a malformed key', headers: () => ({ authorization: 'Bearer not-a-slipway-key' }) },
  { credential: 'another scheme', headers: () => ({ authorization: `Basic ${world.keys.admin}` }) },
  {
    credential: 'a key with a wrong checksum',
    headers: () => ({
      authorization: `Bearer ${world.keys.admin.slice(0, -1)}${world.keys.admin.endsWith('A') ? 'B' : 'A'}`,
    }),
  },
  {
    credential: 'a well-formed unknown key',
    headers: () => ({ authorization: `Bearer ${formatApiKey(new Uint8Array(32).fill(7))}` }),
  },
  { credential: 'an unknown key in api-key', headers: () => ({ 'api-key': 'sk-slw-unknown' }) },
  { credential: 'a revoked key', headers: () => ({ authorization: `Bearer ${world.revokedKey}` }) },
  { credential: 'an expired key', headers: () => ({ authorization: `Bearer ${world.expiredKey}` }) },
];
const CREDENTIAL_CASES = BAD_CREDENTIALS.flatMap((credential) =>
  (Object.keys(OPERATIONS) as OperationName[]).map((operation) => ({ operation, ...credential })),
);

describe('route × role', () => {
  it.each(ROLE_CASES)('$operation as $role → $status', async ({ operation, role, status }) => {
    const request = await OPERATIONS[operation].request();
    const answer = await call({ ...request, key: world.keys[role] });
    expect(answer.status, answer.text).toBe(status);
    if (status >= 400) expectOpenAiError(answer, ERROR_CODE_OF[status]);
  });
});

describe('route × signed-in person (session cookie + CSRF token)', () => {
  it.each(PERSON_CASES)('$operation as a $role person → $status', async ({ operation, role, status }) => {
    const request: SendOptions = await OPERATIONS[operation].request();
    const answer = await call({ ...request, headers: { ...request.headers, ...world.people[role] } });
    expect(answer.status, answer.text).toBe(status);
    if (status >= 400) expectOpenAiError(answer, ERROR_CODE_OF[status]);
  });
});

describe('route × bad credential', () => {
  it.each(CREDENTIAL_CASES)('$operation with $credential → 401', async ({ operation, headers }) => {
    const request: SendOptions = await OPERATIONS[operation].request();
    const answer = await call({ ...request, headers: { ...request.headers, ...headers() } });
    expectOpenAiError(answer, 'unauthorized');
  });
});

describe('project isolation', () => {
  interface Listed {
    data: Array<{ id: string; projectId: string }>;
  }
  const list = async (path: string, role: Role) => {
    const answer = await call({ path, key: world.keys[role] });
    expect(answer.status, answer.text).toBe(200);
    return (answer.json() as Listed).data;
  };

  it.each(['developer', 'viewer'] as const)(
    "a %s of project A lists only A's interactions, even when asking for B's",
    async (role) => {
      for (const path of ['/api/interactions', `/api/interactions?project=${world.projects.beta}`]) {
        const items = await list(path, role);
        expect(items.map((item) => item.id)).toContain(world.interactions.alpha);
        expect(items.map((item) => item.id)).not.toContain(world.interactions.beta);
        expect(new Set(items.map((item) => item.projectId))).toEqual(new Set([world.projects.alpha]));
      }
    },
  );

  it.each(['developer', 'viewer'] as const)(
    "a %s of project A lists only A's keys and project, even when asking for B's",
    async (role) => {
      for (const path of ['/api/keys', '/api/keys?project=beta']) {
        const keys = await list(path, role);
        expect(keys.length).toBeGreaterThan(0);
        expect(new Set(keys.map((key) => key.projectId))).toEqual(new Set([world.projects.alpha]));
      }
      expect((await list('/api/projects', role)).map((project) => project.id)).toEqual([
        world.projects.alpha,
      ]);
    },
  );

  it('an admin sees every project, filters by project on request, and never sees secrets', async () => {
    const everything = (await list('/api/interactions', 'admin')).map((item) => item.id);
    expect(everything).toEqual(expect.arrayContaining([world.interactions.alpha, world.interactions.beta]));
    const betaOnly = await list(`/api/interactions?project=${world.projects.beta}`, 'admin');
    expect(betaOnly.map((item) => item.id)).toEqual([world.interactions.beta]);
    const betaKeys = await list('/api/keys?project=beta', 'admin');
    expect(new Set(betaKeys.map((key) => key.projectId))).toEqual(new Set([world.projects.beta]));
    expect(JSON.stringify(betaKeys)).not.toMatch(/secretHash|sk-slw-[0-9A-Za-z]{38}/);
  });

  it("answers a missing interaction and another project's alike", async () => {
    const missing = await call({ path: '/api/interactions/int_missing', key: world.keys.developer });
    const other = await call({
      path: `/api/interactions/${world.interactions.beta}`,
      key: world.keys.developer,
    });
    expect(expectOpenAiError(missing, 'not_found').param).toBe('id');
    expect(expectOpenAiError(other, 'not_found').param).toBe('id');
  });

  it('whoami names the caller', async () => {
    const answer = await call({ path: '/api/whoami', key: world.keys.viewer });
    expect(answer.json()).toMatchObject({
      kind: 'api_key',
      projectScope: world.projects.alpha,
      role: 'viewer',
    });
  });
});
