import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { readCliSettings } from '../../src/config/cli-settings.js';
import { sendRequest } from './send-request.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

let gateway: TestGateway;
let signingKey: CryptoKey;
let files: string;

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await buildProgram({
    writeOut: (text) => (stdout += text),
    writeErr: (text) => (stderr += text),
    settings: readCliSettings({ SLIPWAY_URL: gateway.baseUrl, SLIPWAY_TOKEN: gateway.adminKey }),
    now: () => Date.now(),
    interruption: () => new AbortController().signal,
  }).run(argv);
  return { code, stdout, stderr };
}

/** `GET /api/principal`: who a request with this key (and these end-user facts) runs for. */
async function principalOf(key: string, options: { user?: string; headers?: Record<string, string> } = {}) {
  const answer = await sendRequest(gateway.baseUrl, {
    path: `/api/principal${options.user === undefined ? '' : `?user=${encodeURIComponent(options.user)}`}`,
    key,
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  });
  return { status: answer.status, body: answer.json() as Record<string, unknown> };
}

beforeAll(async () => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  signingKey = privateKey;
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
  // JSON is YAML: the inline key set goes in as it is.
  gateway = await startTestGateway(
    `identity: ${JSON.stringify({
      jwt: {
        issuer: 'https://idp.test/',
        audience: 'slipway',
        jwks: { keys: [jwk] },
        claims: { groups: 'teams' },
      },
    })}\n`,
  );
  files = mkdtempSync(join(tmpdir(), 'slipway-principals-'));
});

afterAll(async () => {
  await gateway.close();
  rmSync(files, { recursive: true, force: true });
});

describe('who is asking, end to end', () => {
  it('manages the directory from the CLI and syncs CSV atomically', async () => {
    const set = await cli([
      'principals',
      'set',
      'u-ada',
      '--name',
      'Ada',
      '--groups',
      'finance',
      '--clearance',
      'confidential',
    ]);
    expect(set).toMatchObject({ code: 0 });
    expect(set.stdout).toMatch(/u-ada\s+Ada\s+finance\s+-\s+confidential\s+active/);
    expect((await cli(['principals', 'set', 'u-ada', '--clearance', 'top-secret'])).stderr).toMatch(
      /not one of the classification levels/,
    );

    const bad = join(files, 'bad.csv');
    writeFileSync(bad, 'id,name,groups,clearance\nu-bob,Bob,engineering,internal\nu-eve,Eve,bad group,\n');
    const refused = await cli(['principals', 'sync', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/line 3 \(u-eve\): groups/);
    expect((await cli(['principals', 'show', 'u-bob'])).code).toBe(1);

    const good = join(files, 'people.csv');
    writeFileSync(good, 'id,name,groups,roles,clearance\nu-bob,Bob,engineering;oncall,,internal\n');
    const dry = await cli(['principals', 'sync', good, '--prune', '--dry-run']);
    expect(dry.stdout).toMatch(/\+ u-bob\n- u-ada\nWould create 1, update 0, remove 1; 0 unchanged\./);
    expect((await cli(['principals', 'show', 'u-ada'])).code).toBe(0);
    const kept = await cli(['principals', 'sync', good]);
    expect(kept.stdout).toMatch(
      /Did create 1, update 0, remove 0; 0 unchanged \(end users not in the file are kept/,
    );
    const listed = await cli(['principals', 'list', '--json']);
    expect(
      (JSON.parse(listed.stdout) as { data: Array<{ id: string }> }).data.map((user) => user.id),
    ).toEqual(['u-ada', 'u-bob']);
  });

  it('trusts a named end user only from a key allowed to act as end users, failing closed', async () => {
    const created = await cli(['keys', 'create', '--name', 'chat app', '--act-as-end-user', '--json']);
    const { key, secret: trusted } = JSON.parse(created.stdout) as {
      key: { actAsEndUser?: boolean };
      secret: string;
    };
    expect(key.actAsEndUser).toBe(true);
    await expect(principalOf(trusted, { user: 'u-ada' })).resolves.toEqual({
      status: 200,
      body: {
        principal: {
          kind: 'end_user',
          userId: 'u-ada',
          groups: ['finance'],
          roles: [],
          clearance: 'confidential',
        },
        source: 'directory',
        untrusted_end_user: null,
      },
    });
    await expect(principalOf(trusted, { headers: { 'x-slipway-end-user': 'u-bob' } })).resolves.toMatchObject(
      {
        body: { principal: { userId: 'u-bob', groups: ['engineering', 'oncall'] } },
      },
    );
    await expect(principalOf(trusted, { user: 'u-nobody' })).resolves.toMatchObject({ status: 403 });
    await expect(principalOf(gateway.appKey, { user: 'u-ada' })).resolves.toEqual({
      status: 200,
      body: { principal: { kind: 'anonymous' }, source: 'anonymous', untrusted_end_user: 'u-ada' },
    });
  });

  it("takes the end user's own token over a named user, and refuses a bad one with a reason", async () => {
    const token = await new SignJWT({ teams: ['finance'], clearance: 'restricted' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('u-carol')
      .setIssuer('https://idp.test/')
      .setAudience('slipway')
      .setExpirationTime('5m')
      .sign(signingKey);
    await expect(
      principalOf(gateway.appKey, { user: 'u-ada', headers: { 'x-slipway-end-user-token': token } }),
    ).resolves.toMatchObject({
      body: {
        principal: { userId: 'u-carol', groups: ['finance'], clearance: 'restricted' },
        source: 'token',
      },
    });
    const wrongAudience = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('u-carol')
      .setIssuer('https://idp.test/')
      .setAudience('another-app')
      .setExpirationTime('5m')
      .sign(signingKey);
    const refused = await principalOf(gateway.appKey, {
      headers: { 'x-slipway-end-user-token': wrongAudience },
    });
    expect(refused.status).toBe(401);
    expect(JSON.stringify(refused.body)).toMatch(/wrong audience/);
    expect(JSON.stringify(refused.body)).not.toContain(wrongAudience.slice(0, 30));
  });

  it('audits every change by end user and verifies the chain, exiting 1 once it is broken', async () => {
    const byUser = await cli(['audit', 'list', '--user', 'u-ada', '--json']);
    const actions = (JSON.parse(byUser.stdout) as { data: Array<{ action: string }> }).data.map(
      (event) => event.action,
    );
    expect(actions).toEqual(['principal.create']);
    const verified = await cli(['audit', 'verify']);
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.stdout).toMatch(/intact: \d+ events checked/);

    const forbidden = await sendRequest(gateway.baseUrl, { path: '/api/audit/verify', key: gateway.appKey });
    expect(forbidden.status).toBe(403);

    const { store } = gateway.app.config;
    if (store.kind !== 'sqlite') throw new Error('this test edits the SQLite file');
    const database = new BetterSqlite3(store.path);
    try {
      database.exec(
        `UPDATE audit_events SET detail = '{"endUser":"u-ada"}' WHERE action = 'principal.create' AND subject = 'u-ada'`,
      );
    } finally {
      database.close();
    }
    const broken = await cli(['audit', 'verify']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/BROKEN at event #\d+: event #\d+ \(aud_\w+\) was altered/);
  });
});
