import { describe, expect, it } from 'vitest';
import { checkConfigText, formatProblems } from './check-config.js';
import type { ConfigProblem } from './check-config.js';

function problemsOf(text: string, env: Record<string, string> = {}): ConfigProblem[] {
  const check = checkConfigText(text, { env });
  if (check.ok) throw new Error('expected the configuration to be rejected');
  return check.problems;
}

function configOf(text: string, env: Record<string, string> = {}) {
  const check = checkConfigText(text, { env });
  if (!check.ok) throw new Error(formatProblems('test.yaml', check.problems));
  return check.config;
}

const PROVIDERS = `providers:
  - id: openai
    kind: openai-compatible
    baseUrl: https://api.openai.com/v1
`;

describe('checkConfigText', () => {
  it('accepts empty text as the embedded defaults', () => {
    const config = configOf('');
    expect(config.store.kind).toBe('sqlite');
    expect(config.routes.map((route) => route.model)).toEqual([
      'offline-extractive',
      'offline-hashed-ngrams',
    ]);
    expect(configOf('# nothing configured yet\n').server.port).toBe(8080);
  });

  it('points an unknown key at its line and column', () => {
    const text = `server:
  host: 0.0.0.0
  prot: 9000
`;
    expect(problemsOf(text)).toEqual([
      {
        path: 'server',
        line: 3,
        column: 3,
        message:
          'unknown key "prot"; expected one of: host, port, shutdownGraceMs, bodyLimitBytes, trustProxy',
      },
    ]);
  });

  it('points an unknown provider in a route at the provider value', () => {
    const text = `${PROVIDERS}routes:
  - model: gpt-4o-mini
    targets:
      - provider: opnai
        model: gpt-4o-mini
`;
    const problems = problemsOf(text);
    expect(problems).toEqual([
      {
        path: 'routes[0].targets[0].provider',
        line: 8,
        column: 19,
        message: 'unknown provider "opnai" (declared: "offline", "openai")',
      },
    ]);
    expect(formatProblems('slipway.yaml', problems)).toBe(
      'slipway.yaml:8:19 routes[0].targets[0].provider: unknown provider "opnai" (declared: "offline", "openai")',
    );
  });

  it('points a duplicate route at the second declaration', () => {
    const text = `routes:
  - model: fast
    targets: [{ provider: offline, model: offline-extractive }]
  - model: fast
    targets: [{ provider: offline, model: offline-extractive }]
`;
    expect(problemsOf(text)).toEqual([
      {
        path: 'routes[1].model',
        line: 4,
        column: 12,
        message: 'duplicate route model "fast" (first declared at routes[0])',
      },
    ]);
  });

  it('points a missing field at its nearest parent in the file', () => {
    const text = `routes:
  - kind: chat
    targets: [{ provider: offline, model: offline-extractive }]
`;
    expect(problemsOf(text)).toEqual([
      { path: 'routes[0].model', line: 2, column: 5, message: 'required (expected string)' },
    ]);
  });

  it('quotes keys that are not identifiers in paths', () => {
    const text = `prices:
  gpt-4.1:
    inputPerMillion: -1
    outputPerMillion: 1
`;
    expect(problemsOf(text)).toEqual([
      {
        path: 'prices["gpt-4.1"].inputPerMillion',
        line: 3,
        column: 22,
        message: 'Too small: expected number to be >=0',
      },
    ]);
  });

  it('gives the line and column of a YAML syntax error', () => {
    const text = `server:
  port: 8080
routes: [
  { model: a
dataDir: x
`;
    expect(problemsOf(text)[0]).toEqual({
      path: '',
      line: 5,
      column: 1,
      message: 'Flow map in block collection must be sufficiently indented and end with a }',
    });
  });

  it('reports a duplicate YAML key as a syntax error at the second key', () => {
    expect(problemsOf('dataDir: a\ndataDir: b\n')).toEqual([
      { path: '', line: 2, column: 1, message: 'Map keys must be unique' },
    ]);
  });

  it('interpolates ${NAME} in string values, typing unquoted values as YAML would', () => {
    const text = `server:
  host: \${HOST}
  port: \${PORT}
dataDir: "\${HOME_DIR}/slipway-\${SUFFIX:-main}"
adminKey: '\${PORT}'
${PROVIDERS}    headers: { x-team: "\${TEAM:-}" }
`;
    const config = configOf(text, { HOST: '0.0.0.0', PORT: '9000', HOME_DIR: '/srv' });
    expect(config.server).toMatchObject({ host: '0.0.0.0', port: 9000 });
    expect(config.dataDir).toBe('/srv/slipway-main');
    expect(config.adminKey).toBe('9000');
    const openai = config.providers.find((provider) => provider.id === 'openai');
    expect(openai?.kind === 'openai-compatible' && openai.headers).toEqual({ 'x-team': '' });
  });

  it('reports an unset variable at its line', () => {
    const text = `server:
  host: 127.0.0.1
  port: \${SLIPWAY_TEST_PORT}
`;
    expect(problemsOf(text)).toEqual([
      {
        path: 'server.port',
        line: 3,
        column: 9,
        message:
          'environment variable SLIPWAY_TEST_PORT is not set (write ${SLIPWAY_TEST_PORT:-fallback} for a default)',
      },
    ]);
  });

  it('does not interpolate keys', () => {
    const text = `prices:
  \${MODEL}: { inputPerMillion: 1, outputPerMillion: 1 }
`;
    expect(configOf(text, { MODEL: 'x' }).prices['${MODEL}']).toEqual({
      inputPerMillion: 1,
      outputPerMillion: 1,
    });
  });

  it('resolves apiKeyEnv from the environment, leaving null when it is unset', () => {
    const text = `providers:
  - { id: a, kind: openai-compatible, baseUrl: "http://127.0.0.1:1", apiKeyEnv: A_KEY }
  - { id: b, kind: openai-compatible, baseUrl: "http://127.0.0.1:2", apiKeyEnv: B_KEY }
  - { id: c, kind: openai-compatible, baseUrl: "http://127.0.0.1:3", apiKey: literal }
`;
    const keys = configOf(text, { A_KEY: 'sk-a' }).providers.map((provider) =>
      provider.kind === 'openai-compatible' ? [provider.id, provider.apiKey] : [provider.id],
    );
    expect(keys).toEqual([['offline'], ['a', 'sk-a'], ['b', null], ['c', 'literal']]);
  });

  it('applies SLIPWAY_* overrides and reports unusable ones without a line', () => {
    expect(configOf('server: { port: 1 }\n', { SLIPWAY_PORT: '2' }).server.port).toBe(2);
    expect(problemsOf('', { SLIPWAY_PORT: '80a' })).toEqual([
      {
        path: 'server.port',
        line: null,
        column: null,
        message: 'SLIPWAY_PORT must be an integer from 0 to 65535 (got "80a")',
      },
    ]);
  });

  it('reports a root that is not a mapping', () => {
    expect(problemsOf('just text\n')).toEqual([
      { path: '', line: 1, column: 1, message: 'expected object, received string' },
    ]);
  });
});

describe('formatProblems', () => {
  it('renders one problem a line, omitting what is unknown', () => {
    expect(
      formatProblems('slipway.yaml', [
        { path: 'server.port', line: 2, column: 9, message: 'too big' },
        { path: 'store', line: null, column: null, message: 'bad url' },
        { path: '', line: 7, column: 1, message: 'syntax' },
      ]),
    ).toBe('slipway.yaml:2:9 server.port: too big\nslipway.yaml store: bad url\nslipway.yaml:7:1 syntax');
  });
});
