import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestGateway, type TestGateway } from '../../test/e2e/start-test-gateway.js';
import { readCliSettings } from '../config/cli-settings.js';
import { buildProgram } from './program.js';

/** `slipway users …` and `slipway audit list` against a real server in this process. */
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());
afterEach(() => {
  vi.restoreAllMocks();
});

/** Standard input as a pipe holding `text`, or as a terminal that types nothing (for the no-TTY case). */
function pipeStdin(text: string): void {
  const stdin = new PassThrough();
  stdin.end(text);
  vi.spyOn(process, 'stdin', 'get').mockReturnValue(stdin as unknown as typeof process.stdin);
}

async function run(argv: string[], token: string = gateway.adminKey) {
  let stdout = '';
  let stderr = '';
  const program = buildProgram(
    {
      writeOut: (text) => (stdout += text),
      writeErr: (text) => (stderr += text),
      settings: readCliSettings({ SLIPWAY_URL: gateway.baseUrl, SLIPWAY_TOKEN: token }),
      now: () => Date.now(),
      interruption: () => {
        throw new Error('users commands never catch Ctrl-C');
      },
    },
    { requestTimeoutMs: 10_000 },
  );
  const code = await program.run(argv);
  return { code, stdout, stderr };
}

describe('slipway users', () => {
  it('creates the first admin with the bootstrap key, reading the password from stdin', async () => {
    pipeStdin('a long admin passphrase\n');
    const created = await run([
      'users',
      'create',
      '--email',
      'Ada@Example.com',
      '--name',
      'Ada Lovelace',
      '--role',
      'admin',
      '--password-stdin',
      '--json',
    ]);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ email: 'ada@example.com', role: 'admin' });
    // The trailing newline of `echo` is not part of the password.
    await expect(
      gateway.app.people.signIn.signIn({
        email: 'ada@example.com',
        password: 'a long admin passphrase',
        clientIp: '127.0.0.1',
      }),
    ).resolves.toMatchObject({ user: { email: 'ada@example.com' } });
  });

  it('refuses to read a password without a terminal or --password-stdin (usage error, exit 2)', async () => {
    pipeStdin('');
    const answer = await run([
      'users',
      'create',
      '--email',
      'b@example.com',
      '--name',
      'B',
      '--role',
      'viewer',
    ]);
    expect(answer.code).toBe(2);
    expect(answer.stderr).toMatch(/--password-stdin/);
  });

  it('rejects an unknown role before calling the server (exit 2)', async () => {
    const answer = await run([
      'users',
      'create',
      '--email',
      'b@example.com',
      '--name',
      'B',
      '--role',
      'owner',
    ]);
    expect(answer.code).toBe(2);
    expect(answer.stderr).toMatch(/admin, developer, viewer/);
  });

  it('reports a server refusal (a short password) with exit 1', async () => {
    pipeStdin('short');
    const answer = await run([
      'users',
      'create',
      '--email',
      'b@example.com',
      '--name',
      'B',
      '--role',
      'viewer',
      '--password-stdin',
    ]);
    expect(answer.code).toBe(1);
    expect(answer.stderr).toMatch(/at least 12 characters/);
  });

  it('lists, changes roles, disables and enables by e-mail or id, and sets passwords', async () => {
    pipeStdin('viewer passphrase 1');
    const made = await run([
      'users',
      'create',
      '--email',
      'vic@example.com',
      '--name',
      'Vic',
      '--role',
      'viewer',
      '--password-stdin',
    ]);
    expect(made.stdout).toMatch(/^Created vic@example\.com \(usr_\w+, viewer\)/);

    const table = await run(['users', 'list']);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^ID\s+EMAIL\s+NAME\s+ROLE\s+STATE\s+CREATED\s+LAST SIGN-IN$/,
    );
    expect(table.stdout).toMatch(/vic@example\.com\s+Vic\s+viewer\s+active/);
    const listed = JSON.parse((await run(['users', 'list', '--json'])).stdout) as {
      data: Array<{ id: string; email: string }>;
    };
    const vic = listed.data.find((user) => user.email === 'vic@example.com');

    expect((await run(['users', 'set-role', 'VIC@example.com', 'developer'])).stdout).toMatch(
      /is now developer/,
    );
    expect((await run(['users', 'disable', vic?.id ?? ''])).stdout).toMatch(
      /^Disabled vic@example\.com .*disabled\)/,
    );
    expect((await run(['users', 'list'])).stdout).toMatch(/vic@example\.com\s+Vic\s+developer\s+disabled/);
    expect((await run(['users', 'enable', 'vic@example.com'])).code).toBe(0);

    pipeStdin('a fresh passphrase for vic\n');
    const reset = await run(['users', 'set-password', 'vic@example.com', '--password-stdin']);
    expect(reset.code, reset.stderr).toBe(0);
    await expect(
      gateway.app.people.signIn.signIn({
        email: 'vic@example.com',
        password: 'a fresh passphrase for vic',
        clientIp: '127.0.0.1',
      }),
    ).resolves.toMatchObject({ user: { role: 'developer' } });

    const missing = await run(['users', 'disable', 'nobody@example.com']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No user with id or e-mail "nobody@example.com"/);
  });

  it('refuses a developer key to create people (exit 1, forbidden)', async () => {
    pipeStdin('developer passphrase');
    const developer = await gateway.createKey({ role: 'developer' });
    const answer = await run(
      ['users', 'create', '--email', 'd@example.com', '--name', 'D', '--role', 'admin', '--password-stdin'],
      developer,
    );
    expect(answer.code).toBe(1);
    expect(answer.stderr).toMatch(/developer role may not do this \(needs manage access\)/);
  });
});

describe('slipway audit list', () => {
  it('shows the events newest first, filtered by action, as a table or JSON', async () => {
    const table = await run(['audit', 'list', '--action', 'user.role_change']);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^AT\s+ACTOR\s+ACTION\s+TARGET\s+OUTCOME\s+DETAIL$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      /user\.role_change\s+usr_\w+\s+success\s+\{.*"from":"viewer","to":"developer"\}/,
    );

    const json = JSON.parse((await run(['audit', 'list', '--limit', '3', '--json'])).stdout) as {
      data: Array<{ at: number; action: string }>;
      next_cursor: string | null;
    };
    expect(json.data).toHaveLength(3);
    expect(json.next_cursor).not.toBeNull();
    const logins = JSON.parse((await run(['audit', 'list', '--action', 'auth.login', '--json'])).stdout) as {
      data: Array<{ action: string }>;
    };
    expect(logins.data.length).toBeGreaterThan(0);
    expect(logins.data.every((event) => event.action === 'auth.login')).toBe(true);
  });

  it('rejects a bad --limit as a usage error', async () => {
    expect((await run(['audit', 'list', '--limit', 'zero'])).code).toBe(2);
  });
});
