import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { readCliSettings } from '../../src/config/cli-settings.js';
import type { InteractionRecord } from '../../src/core/interaction.js';
import { anInteraction } from '../contract/store-fixtures.js';
import { expectOpenAiError } from './expect-openai-error.js';
import { type Answer, sendRequest } from './send-request.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

const DAY = 86_400_000;
const ALICE = 'alice-e2e-4471';
const ALICE_WORD = 'quixotrelm';
const BOB = 'bob-e2e-0932';

let gateway: TestGateway;
let viewerKey: string;
let otherDeveloperKey: string;
let defaultProjectId: string;
const serverErrors: unknown[] = [];
const directory = mkdtempSync(join(tmpdir(), 'slipway-retention-e2e-'));

/** Any method, any body, read in full (send-request.ts knows no PATCH). */
async function call(options: {
  method: string;
  path: string;
  key?: string;
  json?: unknown;
}): Promise<Answer> {
  const response = await request(`${gateway.baseUrl}${options.path}`, {
    method: options.method as 'GET',
    headers: {
      ...(options.key === undefined ? {} : { authorization: `Bearer ${options.key}` }),
      ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
  });
  const text = await response.body.text();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers))
    if (typeof value === 'string') headers[name] = value;
  return { status: response.statusCode, headers, text, json: () => JSON.parse(text) as unknown };
}

function expectError(answer: Answer, expected: { status: number; code: string; param?: string }): void {
  const error = expectOpenAiError(answer, expected.code);
  expect(answer.status).toBe(expected.status);
  if (expected.param !== undefined) expect(error.param).toBe(expected.param);
}

function chat(user: string | null, content: string) {
  return sendRequest(gateway.baseUrl, {
    path: '/v1/chat/completions',
    key: gateway.appKey,
    json: {
      model: 'offline-extractive',
      messages: [{ role: 'user', content }],
      ...(user === null ? {} : { user }),
    },
  });
}

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const program = buildProgram(
    {
      writeOut: (text) => (stdout += text),
      writeErr: (text) => (stderr += text),
      settings: readCliSettings({ SLIPWAY_URL: gateway.baseUrl, SLIPWAY_TOKEN: gateway.adminKey }),
      now: () => Date.now(),
      interruption: () => new AbortController().signal,
    },
    { requestTimeoutMs: 10_000 },
  );
  const code = await program.run(argv);
  return { code, stdout, stderr };
}

const jsonLines = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as InteractionRecord);

beforeAll(async () => {
  gateway = await startTestGateway('', serverErrors);
  viewerKey = await gateway.createKey({ role: 'viewer' });
  const other = await gateway.app.keys.createProject('other');
  otherDeveloperKey = await gateway.createKey({ role: 'developer', project: other.id });
  defaultProjectId =
    (await gateway.app.keys.listProjects()).find((project) => project.name === 'default')?.id ?? '';
  for (const answer of await Promise.all([
    chat(ALICE, `Please remember the word ${ALICE_WORD}. Ships sail at dawn.`),
    chat(ALICE, 'Where do ships sail at night?'),
    chat(BOB, 'Tell me about harbours and ships.'),
    chat(null, 'An anonymous question about lighthouses.'),
  ])) {
    expect(answer.status).toBe(200);
  }
  await gateway.flushLog();
});

afterAll(async () => {
  await gateway.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('export', () => {
  it('streams the filtered log as JSONL, one full record per line, with a file name', async () => {
    const answer = await call({
      method: 'GET',
      path: `/api/interactions/export?format=jsonl&user=${BOB}`,
      key: gateway.adminKey,
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toContain('application/x-ndjson');
    expect(answer.headers['content-disposition']).toMatch(
      /^attachment; filename="slipway-interactions-.+\.jsonl"$/,
    );
    const records = jsonLines(answer.text);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ endUser: BOB, attempts: [{ index: 0 }], request: { user: BOB } });
  });

  it('streams CSV with a header and one row per interaction, newest first', async () => {
    const answer = await call({
      method: 'GET',
      path: '/api/interactions/export?format=csv&status=success',
      key: viewerKey,
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toContain('text/csv');
    const [header, ...rows] = answer.text.trimEnd().split('\n');
    expect(header?.startsWith('id,startedAt,startedAtIso,endpoint,projectId')).toBe(true);
    expect(rows).toHaveLength(4);
  });

  it('applies the full-text search of the listing', async () => {
    const answer = await call({
      method: 'GET',
      path: '/api/interactions/export?format=jsonl&q=lighthouses',
      key: gateway.adminKey,
    });
    expect(jsonLines(answer.text).map((record) => record.endUser)).toEqual([null]);
  });

  it('limits a project-scoped key to its own project, and refuses a bad format', async () => {
    const scoped = await call({
      method: 'GET',
      path: '/api/interactions/export?format=jsonl',
      key: otherDeveloperKey,
    });
    expect(scoped.status).toBe(200);
    expect(scoped.text).toBe('');
    expectError(
      await call({ method: 'GET', path: '/api/interactions/export?format=xml', key: gateway.adminKey }),
      { status: 400, code: 'invalid_request', param: 'format' },
    );
    expectError(await call({ method: 'GET', path: '/api/interactions/export' }), {
      status: 401,
      code: 'unauthorized',
    });
  });

  it('writes a CSV file with `slipway logs export`, reporting progress on stderr', async () => {
    const out = join(directory, 'export.csv');
    const result = await cli([
      'logs',
      'export',
      '--format',
      'csv',
      '--out',
      out,
      '--model',
      'offline-extractive',
      '--since',
      '1h',
    ]);
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(result.stderr).toContain(`Exported 4 interactions to ${out}.`);
    expect(readFileSync(out, 'utf8').trimEnd().split('\n')).toHaveLength(5);
  });
});

describe('erasure', () => {
  it('is for admins only', async () => {
    expectError(
      await call({ method: 'POST', path: '/api/erasures', key: viewerKey, json: { endUser: ALICE } }),
      {
        status: 403,
        code: 'forbidden',
      },
    );
    expectError(await call({ method: 'POST', path: '/api/erasures', json: { endUser: ALICE } }), {
      status: 401,
      code: 'unauthorized',
    });
    expectError(
      await call({ method: 'POST', path: '/api/erasures', key: gateway.adminKey, json: { endUser: '' } }),
      {
        status: 400,
        code: 'invalid_request',
        param: 'endUser',
      },
    );
    expectError(await call({ method: 'GET', path: '/api/erasures', key: viewerKey }), {
      status: 403,
      code: 'forbidden',
    });
  });

  it("erases an end user's interactions and records it without the id", async () => {
    const answer = await call({
      method: 'POST',
      path: '/api/erasures',
      key: gateway.adminKey,
      json: { endUser: ALICE },
    });
    expect(answer.status).toBe(201);
    const erasure = answer.json() as Record<string, unknown>;
    expect(erasure).toMatchObject({
      interactionsDeleted: 2,
      attemptsDeleted: 2,
      requestedBy: expect.stringMatching(/^api_key:/),
    });
    expect(answer.text).not.toContain(ALICE);

    const listed = await call({
      method: 'GET',
      path: `/api/interactions?user=${ALICE}`,
      key: gateway.adminKey,
    });
    expect(listed.json()).toEqual({ data: [], next_cursor: null });
    const everything = await call({
      method: 'GET',
      path: '/api/interactions/export?format=jsonl',
      key: gateway.adminKey,
    });
    expect(everything.text).not.toContain(ALICE);
    expect(everything.text).not.toContain(ALICE_WORD);
    expect(jsonLines(everything.text)).toHaveLength(2);

    const proof = await call({ method: 'GET', path: `/api/erasures?user=${ALICE}`, key: gateway.adminKey });
    expect(proof.json()).toEqual({ data: [erasure] });
    const audit = await call({
      method: 'GET',
      path: '/api/audit?action=erasure.create',
      key: gateway.adminKey,
    });
    expect(audit.status).toBe(200);
    expect(audit.text).toContain(String(erasure['id']));
    expect(audit.text).not.toContain(ALICE);
  });

  it('purges with `slipway logs purge --yes`, and refuses without --yes when not on a terminal', async () => {
    const refused = await cli(['logs', 'purge', '--user', BOB]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect(
      (await call({ method: 'GET', path: `/api/interactions?user=${BOB}`, key: gateway.adminKey })).text,
    ).toContain(BOB);

    const purged = await cli(['logs', 'purge', '--user', BOB, '--yes']);
    expect(purged).toMatchObject({ code: 0, stderr: '' });
    expect(purged.stdout).toMatch(
      /^Erased: 1 interactions and 1 attempts deleted\.\nErasure era_\S+ recorded at /,
    );

    const listed = await cli(['logs', 'erasures', '--user', BOB, '--json']);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { data: unknown[] }).data).toHaveLength(1);
    const table = await cli(['logs', 'erasures']);
    expect(table.stdout.split('\n')[0]).toMatch(
      /^ID\s+AT\s+INTERACTIONS\s+ATTEMPTS\s+REQUESTED BY\s+SUBJECT/,
    );
    expect(table.stdout).not.toContain(BOB);
  });
});

describe('retention', () => {
  it('sets and clears a project retention period, shown in the project listing', async () => {
    const path = `/api/projects/${defaultProjectId}`;
    expectError(await call({ method: 'PATCH', path, key: viewerKey, json: { retentionDays: 7 } }), {
      status: 403,
      code: 'forbidden',
    });
    expectError(await call({ method: 'PATCH', path, key: gateway.adminKey, json: { retentionDays: 0 } }), {
      status: 400,
      code: 'invalid_request',
      param: 'retentionDays',
    });
    expectError(
      await call({
        method: 'PATCH',
        path: '/api/projects/prj_none',
        key: gateway.adminKey,
        json: { retentionDays: 7 },
      }),
      {
        status: 404,
        code: 'not_found',
      },
    );
    const updated = await call({ method: 'PATCH', path, key: gateway.adminKey, json: { retentionDays: 7 } });
    expect(updated.json()).toMatchObject({ id: defaultProjectId, retentionDays: 7 });
    const projects = (await call({ method: 'GET', path: '/api/projects', key: viewerKey })).json() as {
      data: unknown[];
    };
    expect(projects.data).toContainEqual(expect.objectContaining({ name: 'default', retentionDays: 7 }));

    expect(await cli(['projects', 'retention', 'default', '--forever'])).toMatchObject({
      code: 0,
      stdout: `Project default (${defaultProjectId}) keeps its interactions forever.\n`,
    });
    expect((await cli(['projects', 'retention', 'default'])).code).toBe(2);
    expect((await cli(['projects', 'retention', 'default', '--days', '3', '--forever'])).code).toBe(2);
    const set = await cli(['projects', 'retention', 'default', '--days', '3']);
    expect(set.stdout).toBe(`Project default (${defaultProjectId}) keeps its interactions for 3 days.\n`);
    expect((await cli(['projects', 'list'])).stdout).toMatch(/default\s+\S+ \S+\s+3 days/);
  });

  it('deletes interactions older than the period when the sweep runs, and keeps newer ones', async () => {
    const now = Date.now();
    await gateway.app.store.appendInteractions(
      [10, 5, 3].map((days) =>
        anInteraction({ id: `int_old_${days}`, projectId: defaultProjectId, startedAt: now - days * DAY }),
      ),
    );
    await gateway.app.logData.setProjectRetention(defaultProjectId, 4);
    const before = jsonLines(
      (await call({ method: 'GET', path: '/api/interactions/export', key: gateway.adminKey })).text,
    );
    expect(before.map((record) => record.id)).toEqual(expect.arrayContaining(['int_old_10', 'int_old_5']));

    const report = await gateway.app.retentionSweep.sweepOnce();
    expect(report).toEqual({ deleted: { [defaultProjectId]: 2 }, failed: [] });
    const after = jsonLines(
      (await call({ method: 'GET', path: '/api/interactions/export', key: gateway.adminKey })).text,
    );
    expect(after.map((record) => record.id).sort()).toEqual(
      before
        .map((record) => record.id)
        .filter((id) => id !== 'int_old_10' && id !== 'int_old_5')
        .sort(),
    );
    expect(serverErrors).toEqual([]);
  });
});
