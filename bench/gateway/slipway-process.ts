import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { formatApiKey } from '../../src/core/api-key-format.js';
import { pinnedCommand } from './cpu-pinning.js';
import { findFreePort } from './free-port.js';
import { REPOSITORY_ROOT } from './repository-root.js';
import type { RunningGateway } from './target.js';
import type { TargetContext } from './target-context.js';
import { waitUntilReady } from './wait-until-ready.js';

const MAIN = join(REPOSITORY_ROOT, 'dist/cli/main.js');
const MODEL = 'bench-model';

/** Compiles Slipway with `npm run build`; throws with the compiler's output when the build fails. */
export function buildSlipway(): void {
  const result = spawnSync('npm', ['run', 'build'], { cwd: REPOSITORY_ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.slice(-4_000);
    throw new Error(
      `npm run build failed (${result.error?.message ?? `exit code ${result.status}`}):\n${output}`,
    );
  }
}

/** Logging, redaction and limits stay on: the bench measures Slipway as it is deployed, not a stripped build. */
function configYaml(upstreamBaseUrl: string): string {
  return [
    'providers:',
    `  - { id: mock, kind: openai-compatible, baseUrl: ${upstreamBaseUrl}, apiKey: dummy }`,
    'routes:',
    `  - { model: ${MODEL}, kind: chat, targets: [ { provider: mock, model: gpt-4o-mini } ] }`,
    'limits:',
    '  perKey: { requestsPerMinute: 100000000, tokensPerMinute: 1000000000, spendPerDayUsd: 1000000 }',
    'redaction: { enabled: true }',
    '',
  ].join('\n');
}

/** The bench's environment without SLIPWAY_* variables: a setting left in the shell must not change the run. */
function inheritedEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SLIPWAY_')));
}

/** Creates the `app` key the bench calls the gateway with, as an application would be given one. */
async function createAppKey(origin: string, adminKey: string): Promise<string> {
  const response = await request(`${origin}/api/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({ name: 'gateway bench', role: 'app' }),
  });
  const text = await response.body.text();
  if (response.statusCode !== 201)
    throw new Error(`creating an API key answered ${response.statusCode}: ${text}`);
  const { secret } = JSON.parse(text) as { secret?: unknown };
  if (typeof secret !== 'string') throw new Error(`creating an API key returned no secret: ${text}`);
  return secret;
}

/**
 * Starts `node dist/cli/main.js start` on the gateway CPU with a temporary config and data directory (removed
 * once the process has stopped), and returns it as a target called with a fresh `app` key.
 */
export async function startSlipway(context: TargetContext): Promise<RunningGateway> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build`);
  const workDir = mkdtempSync(join(tmpdir(), 'slipway-gateway-bench-'));
  context.processes.afterStop(() => rmSync(workDir, { recursive: true, force: true }));
  const configPath = join(workDir, 'slipway.yaml');
  const dataDir = join(workDir, 'data');
  writeFileSync(configPath, configYaml(context.upstreamBaseUrl));
  mkdirSync(dataDir);
  const port = await findFreePort();
  const adminKey = formatApiKey(randomBytes(32));
  const command = pinnedCommand(context.pinning, context.pinning.gatewayCpu, [
    process.execPath,
    MAIN,
    'start',
  ]);
  const child = context.processes.spawn({
    name: 'slipway',
    ...command,
    cwd: REPOSITORY_ROOT,
    env: {
      ...inheritedEnvironment(),
      SLIPWAY_HOST: '127.0.0.1',
      SLIPWAY_CONFIG: configPath,
      SLIPWAY_DATA_DIR: dataDir,
      SLIPWAY_PORT: String(port),
      SLIPWAY_ADMIN_KEY: adminKey,
    },
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitUntilReady({ child, url: `${origin}/healthz`, timeoutMs: 60_000 });
  const appKey = await createAppKey(origin, adminKey).catch(async (error: unknown) => {
    await child.stop();
    throw error;
  });
  return {
    child,
    target: {
      name: 'slipway',
      origin,
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${appKey}` },
      model: MODEL,
    },
  };
}
