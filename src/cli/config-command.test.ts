import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCliSettings } from '../config/cli-settings.js';
import { buildProgram } from './program.js';

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'slipway-config-check-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function check(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const program = buildProgram({
    writeOut: (text) => (stdout += text),
    writeErr: (text) => (stderr += text),
    // No SLIPWAY_URL: the check must not need a server.
    settings: readCliSettings(env),
    now: () => 0,
    interruption: () => {
      throw new Error('config check must leave Ctrl-C alone');
    },
  });
  const code = await program.run(['config', 'check', ...argv]);
  return { code, stdout, stderr };
}

async function file(name: string, text: string): Promise<string> {
  const path = join(directory, name);
  await writeFile(path, text);
  return path;
}

const VALID = `server:
  port: 9090
providers:
  - id: openai
    kind: openai-compatible
    baseUrl: https://api.openai.com/v1
    apiKey: \${OPENAI_API_KEY}
routes:
  - model: gpt-4o
    targets:
      - provider: openai
        model: gpt-4o
`;

describe('config check', () => {
  it('prints ok for a valid file', async () => {
    const path = await file('slipway.yaml', VALID);
    expect(await check([path], { OPENAI_API_KEY: 'sk-test' })).toEqual({
      code: 0,
      stdout: 'ok\n',
      stderr: '',
    });
  });

  it('prints each problem as file:line:col path: message and exits 1', async () => {
    const path = await file('bad.yaml', 'server:\n  port: 9090\n  hots: 0.0.0.0\n');
    const result = await check([path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^${path}:3:3 server: unknown key "hots"`));
  });

  it('resolves ${NAME} from the environment it was given', async () => {
    const path = await file('slipway.yaml', VALID);
    const result = await check([path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${path}:7:`);
    expect(result.stdout).toContain('OPENAI_API_KEY is not set');
  });

  it('reports a YAML syntax error with its position', async () => {
    const path = await file('broken.yaml', 'routes: [\n');
    const result = await check([path]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^${path}:\\d+:\\d+ `));
  });

  it('exits 2 when the file is missing', async () => {
    const path = join(directory, 'absent.yaml');
    expect(await check([path])).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: no configuration file at ${path}\n`,
    });
  });

  it('checks SLIPWAY_CONFIG when given no file', async () => {
    const path = await file('from-env.yaml', 'server:\n  port: -1\n');
    const result = await check([], { SLIPWAY_CONFIG: path });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${path}:2:9 server.port:`);
  });

  it('defaults to ./slipway.yaml when SLIPWAY_CONFIG is unset or empty', () => {
    expect(readCliSettings({}).configPath).toBe('slipway.yaml');
    expect(readCliSettings({ SLIPWAY_CONFIG: '' }).configPath).toBe('slipway.yaml');
  });
});
