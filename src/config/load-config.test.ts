import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlipwayError } from '../core/errors.js';
import { loadConfig, readProcessEnv } from './load-config.js';

let cwd: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'slipway-config-'));
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

function loadError(run: () => unknown): SlipwayError {
  try {
    run();
  } catch (error) {
    if (error instanceof SlipwayError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('runs the embedded product with no file and an empty environment', () => {
    const { config, file } = loadConfig({ env: {}, cwd });
    expect(file).toBeNull();
    expect(config.dataDir).toBe(join(cwd, '.slipway'));
    expect(config.store).toEqual({ kind: 'sqlite', path: join(cwd, '.slipway', 'slipway.db') });
    expect(config.logging.spillDir).toBe(join(cwd, '.slipway', 'spill'));
    expect(config.adminKey).toBeNull();
    expect(config.providers).toEqual([{ id: 'offline', kind: 'offline' }]);
    expect(config.routes.map((route) => `${route.kind}:${route.model}`)).toEqual([
      'chat:offline-extractive',
      'embeddings:offline-hashed-ngrams',
    ]);
  });

  it('reads slipway.yaml from the working directory', () => {
    writeFileSync(join(cwd, 'slipway.yaml'), 'server:\n  port: 9100\n');
    const { config, file } = loadConfig({ env: {}, cwd });
    expect(file).toBe(join(cwd, 'slipway.yaml'));
    expect(config.server.port).toBe(9100);
  });

  it('prefers the file option over SLIPWAY_CONFIG over slipway.yaml', () => {
    writeFileSync(join(cwd, 'slipway.yaml'), 'server: { port: 1 }\n');
    mkdirSync(join(cwd, 'etc'));
    writeFileSync(join(cwd, 'etc', 'from-env.yaml'), 'server: { port: 2 }\n');
    writeFileSync(join(cwd, 'etc', 'from-option.yaml'), 'server: { port: 3 }\n');
    const env = { SLIPWAY_CONFIG: 'etc/from-env.yaml' };
    expect(loadConfig({ env, cwd }).config.server.port).toBe(2);
    expect(loadConfig({ env, cwd, file: 'etc/from-option.yaml' }).config.server.port).toBe(3);
    expect(loadConfig({ env: { SLIPWAY_CONFIG: '' }, cwd }).config.server.port).toBe(1);
  });

  it('fails when a named file does not exist', () => {
    const error = loadError(() => loadConfig({ env: { SLIPWAY_CONFIG: 'missing.yaml' }, cwd }));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe(`Cannot read configuration file ${join(cwd, 'missing.yaml')}`);
  });

  it('applies the environment over the file', () => {
    writeFileSync(
      join(cwd, 'slipway.yaml'),
      'server: { host: 127.0.0.1, port: 8080 }\nlogging: { batchSize: 100 }\nadminKey: from-file\n',
    );
    const { config } = loadConfig({
      cwd,
      env: {
        SLIPWAY_HOST: '0.0.0.0',
        SLIPWAY_PORT: '9000',
        SLIPWAY_DATA_DIR: 'var/data',
        SLIPWAY_ADMIN_KEY: 'from-env',
        SLIPWAY_LOG_FLUSH_MS: '50',
        SLIPWAY_STORE_URL: '',
      },
    });
    expect(config.server).toMatchObject({ host: '0.0.0.0', port: 9000 });
    expect(config.dataDir).toBe(join(cwd, 'var', 'data'));
    expect(config.store).toEqual({ kind: 'sqlite', path: join(cwd, 'var', 'data', 'slipway.db') });
    expect(config.adminKey).toBe('from-env');
    expect(config.logging).toMatchObject({ batchSize: 100, flushIntervalMs: 50 });
  });

  it('switches the store to PostgreSQL for a postgres:// SLIPWAY_STORE_URL, keeping the pool size', () => {
    const url = 'postgres://slipway@db.internal:5432/slipway';
    expect(loadConfig({ env: { SLIPWAY_STORE_URL: url }, cwd }).config.store).toEqual({
      kind: 'postgres',
      url,
      poolSize: 10,
    });
    writeFileSync(
      join(cwd, 'slipway.yaml'),
      'store: { kind: postgres, url: "postgres://old/db", poolSize: 25 }\n',
    );
    expect(loadConfig({ env: { SLIPWAY_STORE_URL: url }, cwd }).config.store).toEqual({
      kind: 'postgres',
      url,
      poolSize: 25,
    });
  });

  it('keeps SQLite for sqlite:<path> or a bare path in SLIPWAY_STORE_URL', () => {
    writeFileSync(join(cwd, 'slipway.yaml'), 'store: { kind: postgres, url: "postgres://old/db" }\n');
    const storeFor = (url: string) => loadConfig({ env: { SLIPWAY_STORE_URL: url }, cwd }).config.store;
    expect(storeFor('sqlite:data/a.db')).toEqual({ kind: 'sqlite', path: join(cwd, 'data', 'a.db') });
    expect(storeFor('sqlite:///srv/b.db')).toEqual({ kind: 'sqlite', path: '/srv/b.db' });
    expect(storeFor('c.db')).toEqual({ kind: 'sqlite', path: join(cwd, 'c.db') });
    expect(storeFor('sqlite::memory:')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(loadError(() => storeFor('mysql://db/x')).message).toBe(
      'Invalid configuration (1 problem):\n' +
        'slipway.yaml store: SLIPWAY_STORE_URL must be a postgres:// URL, sqlite:<path> or a file path',
    );
  });

  it('names the environment as the source of a problem when there is no file', () => {
    expect(loadError(() => loadConfig({ env: { SLIPWAY_LOG_FLUSH_MS: '0' }, cwd })).message).toBe(
      'Invalid configuration (1 problem):\n' +
        'environment logging.flushIntervalMs: SLIPWAY_LOG_FLUSH_MS must be an integer from 1 to 9007199254740991 (got "0")',
    );
  });

  it('throws invalid_request listing every problem with its line', () => {
    writeFileSync(
      join(cwd, 'slipway.yaml'),
      [
        'server:',
        '  port: 8080',
        '  prot: 9',
        'routes:',
        '  - model: a',
        '    targets: [{ provider: opnai, model: x }]',
        '',
      ].join('\n'),
    );
    const error = loadError(() => loadConfig({ env: {}, cwd }));
    expect(error.code).toBe('invalid_request');
    expect(error.message).toBe(
      'Invalid configuration (2 problems):\n' +
        'slipway.yaml:3:3 server: unknown key "prot"; expected one of: host, port, shutdownGraceMs, bodyLimitBytes, trustProxy\n' +
        'slipway.yaml:6:27 routes[0].targets[0].provider: unknown provider "opnai" (declared: "offline")',
    );
  });

  it('freezes the result all the way down', () => {
    writeFileSync(
      join(cwd, 'slipway.yaml'),
      'providers:\n  - { id: openai, kind: openai-compatible, baseUrl: "https://api.openai.com/v1", headers: { a: b } }\n',
    );
    const loaded = loadConfig({ env: {}, cwd });
    const { config } = loaded;
    const openai = config.providers[1];
    expect(Object.isFrozen(loaded)).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(Object.isFrozen(config.routes)).toBe(true);
    expect(Object.isFrozen(config.routes[0]?.targets[0])).toBe(true);
    expect(Object.isFrozen(config.routes[0]?.retry)).toBe(true);
    expect(Object.isFrozen(config.prices['gpt-4o'])).toBe(true);
    expect(Object.isFrozen(config.limits.perKey)).toBe(true);
    expect(openai?.kind === 'openai-compatible' && Object.isFrozen(openai.headers)).toBe(true);
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});

describe('readProcessEnv', () => {
  it('returns a frozen copy of the process environment', () => {
    const env = readProcessEnv();
    expect(Object.isFrozen(env)).toBe(true);
    expect(env.PATH).toBe(process.env.PATH);
  });
});

describe('loadConfig SLIPWAY_OTLP_ENDPOINT', () => {
  it('turns OpenTelemetry export on, keeping the rest of the file telemetry section', () => {
    writeFileSync(
      join(cwd, 'slipway.yaml'),
      'telemetry: { otlp: { serviceName: gw, captureContent: true } }\n',
    );
    const { config } = loadConfig({ env: { SLIPWAY_OTLP_ENDPOINT: 'http://localhost:4318/' }, cwd });
    expect(config.telemetry.otlp).toMatchObject({
      endpoint: 'http://localhost:4318',
      serviceName: 'gw',
      captureContent: true,
    });
  });

  it('is validated like the file', () => {
    expect(loadError(() => loadConfig({ env: { SLIPWAY_OTLP_ENDPOINT: 'not a url' }, cwd })).message).toMatch(
      /^Invalid configuration \(1 problem\):\nenvironment telemetry\.otlp\.endpoint: /,
    );
  });
});

describe('loadConfig SLIPWAY_RABBITMQ_URL', () => {
  it('selects the RabbitMQ queue, keeping the rest of the file queue section', () => {
    writeFileSync(join(cwd, 'slipway.yaml'), 'queue: { prefix: prod, maxAttempts: 3 }\n');
    const { config } = loadConfig({ env: { SLIPWAY_RABBITMQ_URL: 'amqp://guest:guest@mq:5672' }, cwd });
    expect(config.queue).toMatchObject({
      kind: 'rabbitmq',
      url: 'amqp://guest:guest@mq:5672',
      prefix: 'prod',
      maxAttempts: 3,
    });
    expect(config.workers.inProcess).toBe(false);
  });

  it('is validated like the file', () => {
    expect(loadError(() => loadConfig({ env: { SLIPWAY_RABBITMQ_URL: 'http://mq' }, cwd })).message).toMatch(
      /^Invalid configuration \(1 problem\):\nenvironment queue\.url: expected an amqp:\/\/ or amqps:\/\/ URL/,
    );
  });
});
