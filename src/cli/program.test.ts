import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCliSettings } from '../config/cli-settings.js';
import type { InteractionRecord } from '../core/interaction.js';
import type { InteractionSummary } from '../ports/interaction-store.js';
import type { KeyView, RouteView } from './admin-client.js';
import { buildProgram } from './program.js';

const NOW = Date.UTC(2025, 0, 31, 12, 0, 0);
const TOKEN = 'sk-slw-admin-token';

interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

interface Reply {
  status?: number;
  /** Sent as JSON unless a string. */
  body: unknown;
}

type Handler = (request: RecordedRequest) => Reply | null;

/** A loopback test double of the admin API: answers from `routes` ("GET /api/keys") and records every request. */
class FakeAdminApi {
  readonly requests: RecordedRequest[] = [];
  routes: Record<string, Handler> = {};
  private readonly server: Server;

  constructor() {
    this.server = createServer((incoming, outgoing) => {
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => (text += chunk));
      incoming.on('end', () => {
        const url = new URL(incoming.url ?? '/', 'http://fake');
        const request: RecordedRequest = {
          method: incoming.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: incoming.headers,
          body: text === '' ? undefined : JSON.parse(text),
        };
        this.requests.push(request);
        const handler = this.routes[`${request.method} ${request.path}`];
        const reply = handler
          ? handler(request)
          : {
              status: 404,
              body: {
                error: {
                  message: `No route ${request.path}`,
                  type: 'invalid_request_error',
                  param: null,
                  code: 'not_found',
                },
              },
            };
        if (reply === null) return; // never answers: for timeouts
        const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        outgoing.writeHead(reply.status ?? 200, {
          'content-type': typeof reply.body === 'string' ? 'text/plain' : 'application/json',
        });
        outgoing.end(payload);
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async start(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close');
  }
}

interface RunOptions {
  env?: Record<string, string>;
  /** What Ctrl-C would abort; without it, a command that asks to catch Ctrl-C fails the test. */
  interruption?: AbortSignal;
  requestTimeoutMs?: number;
  /** Called with each chunk written to stdout. */
  onOut?: (text: string) => void;
}

let api: FakeAdminApi;

async function run(argv: string[], options: RunOptions = {}) {
  let stdout = '';
  let stderr = '';
  const program = buildProgram(
    {
      writeOut: (text) => {
        stdout += text;
        options.onOut?.(stdout);
      },
      writeErr: (text) => (stderr += text),
      settings: readCliSettings(options.env ?? { SLIPWAY_URL: api.url, SLIPWAY_TOKEN: TOKEN }),
      now: () => NOW,
      interruption: () => {
        if (options.interruption === undefined) throw new Error('only logs tail may catch Ctrl-C');
        return options.interruption;
      },
    },
    { requestTimeoutMs: options.requestTimeoutMs ?? 5_000 },
  );
  const code = await program.run(argv);
  return { code, stdout, stderr };
}

function keyView(overrides: Partial<KeyView> = {}): KeyView {
  return {
    id: 'key_1',
    projectId: 'proj_default',
    name: 'ci',
    role: 'app',
    displayPrefix: 'sk-slw-AbCd',
    createdAt: NOW - 86_400_000,
    expiresAt: null,
    revokedAt: null,
    allowedModels: null,
    limits: {},
    ...overrides,
  };
}

function summary(overrides: Partial<InteractionSummary> = {}): InteractionSummary {
  return {
    id: 'int_1',
    endpoint: 'chat.completions',
    projectId: 'proj_default',
    apiKeyId: 'key_1',
    endUser: null,
    modelRequested: 'gpt-4o',
    target: 'openai/gpt-4o',
    variant: null,
    promptName: null,
    promptVersion: null,
    batchId: null,
    stream: false,
    status: 'success',
    errorCode: null,
    errorMessage: null,
    promptTokens: 12,
    completionTokens: 30,
    totalTokens: 42,
    costUsd: 0.00042,
    latencyMs: 850,
    ttftMs: null,
    startedAt: NOW - 60_000,
    attemptCount: 1,
    ...overrides,
  };
}

function apiError(status: number, code: string, message: string): Handler {
  return () => ({ status, body: { error: { message, type: 'invalid_request_error', param: null, code } } });
}

beforeEach(async () => {
  api = new FakeAdminApi();
  await api.start();
});

afterEach(async () => {
  await api.stop();
});

describe('keys create', () => {
  beforeEach(() => {
    api.routes['POST /api/keys'] = (request) => {
      const body = request.body as { name: string; role?: 'app' };
      return {
        body: { key: keyView({ name: body.name, role: body.role ?? 'app' }), secret: 'sk-slw-S3CRET' },
      };
    };
  });

  it('sends every option and prints the secret once, saying it will not be shown again', async () => {
    const result = await run([
      'keys',
      'create',
      '--name',
      'ci',
      '--project',
      'shop',
      '--role',
      'developer',
      '--models',
      'gpt-4o,embed',
      '--expires-in-days',
      '30',
      '--rpm',
      '60',
      '--tpm',
      '10000',
      '--daily-budget',
      '5',
      '--monthly-budget',
      '100.50',
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(api.requests).toHaveLength(1);
    const [request] = api.requests;
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.body).toEqual({
      name: 'ci',
      project: 'shop',
      role: 'developer',
      expiresInDays: 30,
      allowedModels: ['gpt-4o', 'embed'],
      limits: { requestsPerMinute: 60, tokensPerMinute: 10_000, spendPerDayUsd: 5, spendPerMonthUsd: 100.5 },
    });
    expect(result.stdout.split('sk-slw-S3CRET')).toHaveLength(2);
    expect(result.stdout).toContain('will not be shown again');
    expect(result.stdout).toContain('Created key key_1 (ci)');
  });

  it('sends only the name when no option is given, leaving defaults to the server', async () => {
    await run(['keys', 'create', '--name', 'ci']);
    expect(api.requests[0]?.body).toEqual({ name: 'ci' });
  });

  it('prints key and secret as JSON on stdout and the warning on stderr with --json', async () => {
    const result = await run(['keys', 'create', '--name', 'ci', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ key: keyView(), secret: 'sk-slw-S3CRET' });
    expect(result.stderr).toContain('will not be shown again');
  });

  it.each([
    [['keys', 'create'], /--name/],
    [['keys', 'create', '--name', 'ci', '--role', 'root'], /root/],
    [['keys', 'create', '--name', 'ci', '--rpm', '0'], /--rpm/],
    [['keys', 'create', '--name', 'ci', '--daily-budget', 'lots'], /--daily-budget/],
    [['keys', 'create', '--name', 'ci', '--models', ','], /--models/],
    [['keys', 'create', '--name', 'ci', '--bogus'], /--bogus/],
  ])('rejects %j as a usage error without calling the API', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(api.requests).toHaveLength(0);
  });
});

describe('keys list and revoke', () => {
  it('lists keys with their state in an aligned table', async () => {
    api.routes['GET /api/keys'] = () => ({
      body: {
        data: [
          keyView({ limits: { requestsPerMinute: 60, spendPerDayUsd: 5 }, allowedModels: ['gpt-4o'] }),
          keyView({ id: 'key_2', name: 'old', revokedAt: NOW - 1_000 }),
          keyView({ id: 'key_3', name: 'temp', expiresAt: NOW - 1 }),
        ],
      },
    });
    const result = await run(['keys', 'list', '--project', 'shop']);
    expect(result.code).toBe(0);
    expect(api.requests[0]?.query.get('project')).toBe('shop');
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^ID\s+NAME\s+PROJECT\s+ROLE\s+PREFIX\s+STATE\s+CREATED\s+EXPIRES\s+MODELS\s+LIMITS$/,
    );
    expect(lines[1]).toMatch(
      /^key_1\s+ci\s+proj_default\s+app\s+sk-slw-AbCd\s+active\s+2025-01-30 12:00:00\s+-\s+gpt-4o\s+60 rpm, \$5\.0000\/day$/,
    );
    expect(lines[2]).toMatch(/\srevoked\s/);
    expect(lines[3]).toMatch(/\sexpired\s/);
    // Aligned: every row's STATE column starts where the header's does.
    const column = lines[0]?.indexOf('STATE');
    for (const line of lines.slice(1))
      expect(line.slice(column).split(' ')[0]).toMatch(/^(active|revoked|expired)$/);
  });

  it('prints the API response as JSON with --json', async () => {
    api.routes['GET /api/keys'] = () => ({ body: { data: [keyView()] } });
    const result = await run(['keys', 'list', '--json']);
    expect(JSON.parse(result.stdout)).toEqual({ data: [keyView()] });
    expect(api.requests[0]?.query.has('project')).toBe(false);
  });

  it('revokes a key by id', async () => {
    api.routes['DELETE /api/keys/key_1'] = () => ({ body: keyView({ revokedAt: NOW }) });
    const result = await run(['keys', 'revoke', 'key_1']);
    expect(result).toEqual({ code: 0, stdout: 'Revoked key key_1 (ci).\n', stderr: '' });
    expect(api.requests[0]?.method).toBe('DELETE');
  });

  it('shows the API error message and exits 1 when the key does not exist', async () => {
    api.routes['DELETE /api/keys/nope'] = apiError(404, 'not_found', 'No API key nope');
    const result = await run(['keys', 'revoke', 'nope']);
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'error: No API key nope\n' });
  });
});

describe('projects', () => {
  it('lists and creates projects', async () => {
    const project = { id: 'proj_shop', name: 'shop', createdAt: NOW, retentionDays: 30 };
    api.routes['GET /api/projects'] = () => ({ body: { data: [project] } });
    api.routes['POST /api/projects'] = () => ({ body: project });

    const list = await run(['projects', 'list']);
    expect(list.stdout).toBe(
      'ID         NAME  CREATED              RETENTION\nproj_shop  shop  2025-01-31 12:00:00  30 days\n',
    );
    expect(JSON.parse((await run(['projects', 'list', '--json'])).stdout)).toEqual({ data: [project] });

    const created = await run(['projects', 'create', 'shop']);
    expect(created.stdout).toBe('Created project shop (proj_shop).\n');
    expect(api.requests.at(-1)?.body).toEqual({ name: 'shop' });
  });

  it('reports a conflict from the API', async () => {
    api.routes['POST /api/projects'] = apiError(409, 'conflict', 'A project named shop already exists');
    const result = await run(['projects', 'create', 'shop']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error: A project named shop already exists\n');
  });
});

describe('logs', () => {
  it('lists interactions with filters as query parameters', async () => {
    api.routes['GET /api/interactions'] = () => ({
      body: {
        data: [summary(), summary({ id: 'int_2', status: 'error', target: null, costUsd: 0 })],
        next_cursor: 'c2',
      },
    });
    const result = await run([
      'logs',
      'list',
      '--model',
      'gpt-4o',
      '--status',
      'error',
      '--user',
      'u1',
      '--key',
      'key_1',
      '--project',
      'shop',
      '--since',
      '1h',
      '--limit',
      '20',
      '--cursor',
      'c1',
    ]);
    expect(result.code).toBe(0);
    expect(Object.fromEntries(api.requests[0]?.query ?? [])).toEqual({
      model: 'gpt-4o',
      status: 'error',
      user: 'u1',
      key: 'key_1',
      project: 'shop',
      since: String(NOW - 3_600_000),
      limit: '20',
      cursor: 'c1',
    });
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^TIME\s+ID\s+MODEL\s+TARGET\s+STATUS\s+TOKENS\s+COST\s+LATENCY$/);
    expect(lines[1]).toMatch(
      /^2025-01-31 11:59:00\s+int_1\s+gpt-4o\s+openai\/gpt-4o\s+success\s+42\s+\$0\.000420\s+850 ms$/,
    );
    expect(lines[2]).toMatch(/^2025-01-31 11:59:00\s+int_2\s+gpt-4o\s+-\s+error\s+42\s+\$0\s+850 ms$/);
    expect(result.stdout).toContain('slipway logs list --cursor c2');
  });

  it('reads --since as an ISO date too', async () => {
    api.routes['GET /api/interactions'] = () => ({ body: { data: [], next_cursor: null } });
    await run(['logs', 'list', '--since', '2025-01-30T00:00Z', '--until', '30m']);
    expect(api.requests[0]?.query.get('since')).toBe(String(Date.UTC(2025, 0, 30)));
    expect(api.requests[0]?.query.get('until')).toBe(String(NOW - 1_800_000));
  });

  it('prints the page as JSON with --json', async () => {
    const page = { data: [summary()], next_cursor: null };
    api.routes['GET /api/interactions'] = () => ({ body: page });
    const result = await run(['logs', 'list', '--json']);
    expect(JSON.parse(result.stdout)).toEqual(page);
  });

  it.each([
    [['logs', 'list', '--since', 'yesterday'], /--since/],
    [['logs', 'list', '--status', 'ok'], /--status/],
    [['logs', 'list', '--limit', 'many'], /--limit/],
    [['logs', 'show'], /missing required argument/],
  ])('rejects %j as a usage error', async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(api.requests).toHaveLength(0);
  });

  it('shows one interaction readably and as JSON', async () => {
    const record: InteractionRecord = {
      ...summary(),
      trace: null,
      request: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello?' }] },
      response: {
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hi!' }, finish_reason: 'stop' }],
      },
      retrievedDocuments: [],
      attempts: [],
    };
    delete (record as Partial<InteractionSummary>).attemptCount;
    api.routes['GET /api/interactions/int_1'] = () => ({ body: record });

    const shown = await run(['logs', 'show', 'int_1']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('Interaction  int_1');
    expect(shown.stdout).toContain('[user]\n    Hello?');
    expect(shown.stdout).toContain('Response\n  Hi!');
    expect(JSON.parse((await run(['logs', 'show', 'int_1', '--json'])).stdout)).toEqual(record);
  });

  it('tails: prints the backlog, then new interactions as they arrive, until interrupted', async () => {
    const rows = [summary({ id: 'int_old', startedAt: NOW - 5_000 })];
    api.routes['GET /api/interactions'] = (request) => {
      const since = Number(request.query.get('since') ?? 0);
      const data = rows.filter(
        (row) => row.startedAt >= since && request.query.get('model') === row.modelRequested,
      );
      return { body: { data: [...data].reverse(), next_cursor: null } };
    };
    const controller = new AbortController();
    const result = await run(['logs', 'tail', '--interval', '5', '--model', 'gpt-4o'], {
      interruption: controller.signal,
      onOut: (stdout) => {
        if (stdout.includes('int_old') && rows.length === 1)
          rows.push(summary({ id: 'int_new', startedAt: NOW }));
        if (stdout.includes('int_new')) controller.abort();
      },
    });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+ID\s+MODEL/);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/)[1])).toEqual(['int_old', 'int_new']);
    expect(api.requests.every((request) => request.query.get('model') === 'gpt-4o')).toBe(true);
  });

  it('tails as one JSON object per line with --json', async () => {
    api.routes['GET /api/interactions'] = () => ({ body: { data: [summary()], next_cursor: null } });
    const controller = new AbortController();
    const result = await run(['logs', 'tail', '--json', '--interval', '5'], {
      interruption: controller.signal,
      onOut: () => controller.abort(),
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(summary());
  });
});

describe('models and routes', () => {
  it('lists models as a table and as JSON', async () => {
    const body = {
      object: 'list',
      data: [
        { id: 'gpt-4o', object: 'model', created: 0, owned_by: 'slipway' },
        {
          id: 'local-echo',
          object: 'model',
          created: 0,
          owned_by: 'slipway',
          description: 'Offline echo model',
        },
      ],
    };
    api.routes['GET /v1/models'] = () => ({ body });
    const table = await run(['models', 'list']);
    expect(table.stdout).toBe(
      'ID          OWNED BY  DESCRIPTION\ngpt-4o      slipway\nlocal-echo  slipway   Offline echo model\n',
    );
    expect(JSON.parse((await run(['models', 'list', '--json'])).stdout)).toEqual(body);
  });

  it('shows the breaker state of each target', async () => {
    const routes: RouteView[] = [
      {
        model: 'gpt-4o',
        kind: 'chat',
        strategy: 'ordered',
        description: null,
        targets: [
          {
            provider: 'openai',
            model: 'gpt-4o',
            weight: 1,
            breaker: { state: 'open', consecutiveFailures: 5, openedAt: NOW },
          },
          {
            provider: 'azure',
            model: 'gpt-4o',
            weight: 1,
            breaker: { state: 'closed', consecutiveFailures: 0, openedAt: null },
          },
        ],
      },
    ];
    api.routes['GET /api/routes'] = () => ({ body: { data: routes } });
    const result = await run(['routes', 'status']);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^MODEL\s+KIND\s+STRATEGY\s+TARGET\s+WEIGHT\s+BREAKER\s+FAILURES\s+OPENED$/);
    expect(lines[1]).toMatch(
      /^gpt-4o\s+chat\s+ordered\s+openai\/gpt-4o\s+1\s+open\s+5\s+2025-01-31 12:00:00$/,
    );
    expect(lines[2]).toMatch(/^\s+azure\/gpt-4o\s+1\s+closed\s+0\s+-$/);
    expect(JSON.parse((await run(['routes', 'status', '--json'])).stdout)).toEqual({ data: routes });
  });
});

describe('connection, authentication and failures', () => {
  it('says the server cannot be reached when the connection is refused', async () => {
    const url = api.url;
    await api.stop();
    const result = await run(['projects', 'list'], { env: { SLIPWAY_URL: url } });
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: cannot reach Slipway at ${url}: is it running? (slipway start)\n`,
    });
    api = new FakeAdminApi();
    await api.start();
  });

  it('gives up on a server that does not answer in time', async () => {
    api.routes['GET /api/projects'] = () => null;
    const result = await run(['projects', 'list'], { requestTimeoutMs: 100 });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`error: Slipway at ${api.url} did not answer within 100 ms.\n`);
  });

  it('reports an error body that is not JSON by its status', async () => {
    api.routes['GET /api/projects'] = () => ({ status: 502, body: '<html>Bad gateway</html>' });
    const result = await run(['projects', 'list']);
    expect(result).toMatchObject({ code: 1, stderr: `error: Slipway at ${api.url} answered HTTP 502.\n` });
  });

  it('hints at the token when the server refuses a request sent without one', async () => {
    api.routes['GET /api/projects'] = apiError(401, 'unauthorized', 'Missing API key');
    const result = await run(['projects', 'list'], { env: { SLIPWAY_URL: api.url } });
    expect(result.stderr).toBe('error: Missing API key (pass --token or set SLIPWAY_TOKEN)\n');
    expect(api.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('takes the token from SLIPWAY_ADMIN_KEY when SLIPWAY_TOKEN is unset', async () => {
    api.routes['GET /api/projects'] = () => ({ body: { data: [] } });
    await run(['projects', 'list'], { env: { SLIPWAY_URL: api.url, SLIPWAY_ADMIN_KEY: 'from-admin-key' } });
    expect(api.requests[0]?.headers.authorization).toBe('Bearer from-admin-key');
  });

  it('lets --url and --token override the environment, before or after the command', async () => {
    api.routes['GET /api/projects'] = () => ({ body: { data: [] } });
    const env = { SLIPWAY_URL: 'http://127.0.0.1:1', SLIPWAY_TOKEN: 'env-token' };
    expect((await run(['--url', api.url, '--token', 'flag-token', 'projects', 'list'], { env })).code).toBe(
      0,
    );
    expect((await run(['projects', 'list', '--url', api.url, '--token', 'flag-token-2'], { env })).code).toBe(
      0,
    );
    expect(api.requests.map((request) => request.headers.authorization)).toEqual([
      'Bearer flag-token',
      'Bearer flag-token-2',
    ]);
  });

  it('keeps a path prefix of the server URL', async () => {
    api.routes['GET /gateway/api/projects'] = () => ({ body: { data: [] } });
    const result = await run(['projects', 'list', '--url', `${api.url}/gateway`]);
    expect(result.code).toBe(0);
  });

  it('rejects a malformed --url as a usage error', async () => {
    const result = await run(['projects', 'list', '--url', 'localhost:8080']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--url/);
  });

  it('ends a tail cleanly when interrupted while a poll is in flight', async () => {
    const controller = new AbortController();
    api.routes['GET /api/interactions'] = () => {
      controller.abort();
      return null;
    };
    const result = await run(['logs', 'tail', '--json'], { interruption: controller.signal });
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('usage', () => {
  it('exits 2 for an unknown command, suggesting the nearest', async () => {
    const result = await run(['key', 'list']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command 'key'/);
    expect(result.stderr).toMatch(/keys/);
  });

  it('exits 2 with help on stderr when a command group is run alone', async () => {
    const result = await run(['keys']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/create/);
  });

  it('prints help on stdout and exits 0 for --help', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    for (const name of ['keys', 'projects', 'logs', 'models', 'routes', 'config'])
      expect(result.stdout).toContain(name);
  });

  it('registers start through the function it is given', async () => {
    let started = false;
    const program = buildProgram(
      {
        writeOut: () => undefined,
        writeErr: () => undefined,
        settings: readCliSettings({}),
        now: () => NOW,
        interruption: () => new AbortController().signal,
      },
      {
        registerStart: (command) => {
          command.command('start').action(() => {
            started = true;
          });
        },
      },
    );
    expect(await program.run(['start'])).toBe(0);
    expect(started).toBe(true);
  });
});
