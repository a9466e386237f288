import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatApiKey } from '../../src/core/api-key-format.js';
import { buildSlipwayIfStale, REPOSITORY_ROOT, SLIPWAY_MAIN } from './build-slipway.js';
import { startSlipwayProcess, type SlipwayProcess } from './slipway-process.js';

/**
 * The `slipway` binary as an operator uses it, against a real server: keys, the interaction log (redacted),
 * routes and models, and the exit codes and messages of the ways it fails.
 */

const EMAIL = 'ada.lovelace@example.com';
const PHONE = '+44 20 7946 0958';
const CONTEXT = `The hull team answers e-mail at ${EMAIL} every morning. The hull team answers the phone on ${PHONE} every afternoon.`;
const QUESTION = 'How do I contact the hull team?';

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

interface CreatedKey {
  key: { id: string; name: string; role: string; revokedAt: number | null };
  secret: string;
}

let workDir: string;
let gateway: SlipwayProcess;
const adminKey = formatApiKey(randomBytes(32));

/** This process's environment without SLIPWAY_* variables: a token left in the shell must not change a test. */
function inheritedEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SLIPWAY_')));
}

/** Runs `node dist/cli/main.js <args>` with SLIPWAY_URL at the gateway and SLIPWAY_TOKEN as given. */
function runCli(args: readonly string[], options: { token?: string; cwd?: string } = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...inheritedEnvironment(), SLIPWAY_URL: gateway.origin };
  if (options.token !== undefined) env.SLIPWAY_TOKEN = options.token;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [SLIPWAY_MAIN, ...args],
      { cwd: options.cwd ?? REPOSITORY_ROOT, env, encoding: 'utf8', timeout: 15_000 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') reject(error);
        else resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr });
      },
    );
  });
}

/** Runs an admin command that must succeed and parses its `--json` output. */
async function runJson<Result>(args: readonly string[]): Promise<Result> {
  const run = await runCli([...args, '--json'], { token: adminKey });
  expect(run.code, `slipway ${args.join(' ')}: ${run.stderr}`).toBe(0);
  return JSON.parse(run.stdout) as Result;
}

function openAiClient(secret: string): OpenAI {
  return new OpenAI({ baseURL: `${gateway.origin}/v1`, apiKey: secret, maxRetries: 0 });
}

function askHullTeam(secret: string) {
  return openAiClient(secret)
    .chat.completions.create({
      model: 'offline-extractive',
      messages: [
        { role: 'user', content: CONTEXT },
        { role: 'user', content: QUESTION },
      ],
    })
    .withResponse();
}

beforeAll(async () => {
  buildSlipwayIfStale();
  workDir = mkdtempSync(join(tmpdir(), 'slipway-cli-'));
  const configPath = join(workDir, 'slipway.yaml');
  writeFileSync(configPath, 'redaction: { enabled: true }\n');
  gateway = await startSlipwayProcess({
    env: {
      SLIPWAY_CONFIG: configPath,
      SLIPWAY_DATA_DIR: join(workDir, 'data'),
      SLIPWAY_ADMIN_KEY: adminKey,
      SLIPWAY_LOG_FLUSH_MS: '20',
    },
  });
});

afterAll(async () => {
  await gateway?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('the slipway CLI against a running server', () => {
  it('creates a key the OpenAI SDK can use, and shows the call in the log with personal data redacted', async () => {
    const created = await runJson<CreatedKey>(['keys', 'create', '--name', 'app']);
    expect(created.key).toMatchObject({ name: 'app', role: 'app', revokedAt: null });
    expect(created.secret).toMatch(/^sk-slw-/);

    const { data: completion, response } = await askHullTeam(created.secret);
    // The client gets the answer as the model gave it; only what is stored is redacted.
    expect(completion.choices[0]?.message.content).toContain(EMAIL);
    const interactionId = response.headers.get('x-slipway-interaction-id');
    expect(interactionId).toMatch(/^int_/);

    let listed: Array<{ id: string; apiKeyId: string; modelRequested: string; status: string }> = [];
    const deadline = performance.now() + 5_000;
    while (!listed.some((summary) => summary.id === interactionId) && performance.now() < deadline) {
      listed = (await runJson<{ data: typeof listed }>(['logs', 'list'])).data;
      if (!listed.some((summary) => summary.id === interactionId)) await sleep(50);
    }
    expect(listed.find((summary) => summary.id === interactionId)).toMatchObject({
      apiKeyId: created.key.id,
      modelRequested: 'offline-extractive',
      status: 'success',
    });

    const shown = await runCli(['logs', 'show', String(interactionId)], { token: adminKey });
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(String(interactionId));
    expect(shown.stdout).toContain(QUESTION);
    expect(shown.stdout).toContain('[EMAIL]');
    expect(shown.stdout).toContain('[PHONE]');
    expect(shown.stdout).not.toContain('ada.lovelace');
    expect(shown.stdout).not.toContain('7946');
  });

  it('revokes a key: the next call with it is refused with 401', async () => {
    const created = await runJson<CreatedKey>(['keys', 'create', '--name', 'short-lived']);
    await askHullTeam(created.secret);

    const revoked = await runCli(['keys', 'revoke', created.key.id], { token: adminKey });
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`Revoked key ${created.key.id}`);

    await expect(askHullTeam(created.secret)).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/revoked/i),
    });
    const keys = await runJson<{ data: Array<{ id: string; revokedAt: number | null }> }>(['keys', 'list']);
    expect(keys.data.find((key) => key.id === created.key.id)?.revokedAt).toEqual(expect.any(Number));
  });

  it('shows the routes with their breakers and the models, as JSON', async () => {
    const routes = await runJson<{
      data: Array<{
        model: string;
        kind: string;
        targets: Array<{ provider: string; breaker: { state: string } }>;
      }>;
    }>(['routes', 'status']);
    expect(routes.data.find((route) => route.model === 'offline-extractive')).toMatchObject({
      kind: 'chat',
      targets: [{ provider: 'offline', model: 'offline-extractive', breaker: { state: 'closed' } }],
    });
    expect(routes.data.find((route) => route.model === 'offline-hashed-ngrams')?.kind).toBe('embeddings');

    const models = await runJson<{ data: Array<{ id: string }> }>(['models', 'list']);
    expect(models.data.map((model) => model.id).sort()).toEqual([
      'offline-extractive',
      'offline-hashed-ngrams',
    ]);
  });

  it('exits 1 with a clear message when the server refuses the token', async () => {
    const unknown = await runCli(['keys', 'list'], { token: formatApiKey(randomBytes(32)) });
    expect(unknown).toEqual({ code: 1, stdout: '', stderr: 'error: Invalid API key.\n' });

    const missing = await runCli(['logs', 'list']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^error: Missing API key.*\(pass --token or set SLIPWAY_TOKEN\)\n$/);
  });

  it('config check exits 1 and points at file:line:col of a mistake, 0 on a valid file', async () => {
    const bad = join(workDir, 'bad.yaml');
    writeFileSync(
      bad,
      [
        'server:',
        '  port: 8080',
        'routes:',
        '  - model: chat',
        '    targets:',
        '      - { provider: nowhere, model: gpt-4o }',
        '',
      ].join('\n'),
    );
    const rejected = await runCli(['config', 'check', 'bad.yaml'], { cwd: workDir });
    expect(rejected.code).toBe(1);
    expect(rejected.stdout + rejected.stderr).toContain(
      'bad.yaml:6:21 routes[0].targets[0].provider: unknown provider "nowhere"',
    );

    const good = join(workDir, 'good.yaml');
    writeFileSync(good, ['server:', '  port: 8080', ''].join('\n'));
    const accepted = await runCli(['config', 'check', good], { cwd: workDir });
    expect(accepted).toEqual({ code: 0, stdout: 'ok\n', stderr: '' });
  });
});
