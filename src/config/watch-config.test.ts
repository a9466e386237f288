import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SlipwayError } from '../core/errors.js';
import type { Config } from './config-schema.js';
import { watchConfig } from './watch-config.js';
import type { ConfigWatcher } from './watch-config.js';

let cwd: string;
let file: string;
let watcher: ConfigWatcher | undefined;
let changes: Config[];
let errors: unknown[];

const WAIT = { timeout: 5000, interval: 10 };

function start(): ConfigWatcher {
  watcher = watchConfig({
    file: 'slipway.yaml',
    env: { SLIPWAY_HOST: '0.0.0.0' },
    cwd,
    debounceMs: 20,
    onChange: (config) => changes.push(config),
    onError: (error) => errors.push(error),
  });
  return watcher;
}

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'slipway-watch-'));
  file = join(cwd, 'slipway.yaml');
  writeFileSync(file, 'server: { port: 8001 }\n');
  changes = [];
  errors = [];
});

afterEach(() => {
  watcher?.close();
  watcher = undefined;
  rmSync(cwd, { recursive: true, force: true });
});

describe('watchConfig', () => {
  it('hands over the new configuration when the file is written', async () => {
    start();
    writeFileSync(file, 'server: { port: 8002 }\n');
    await vi.waitFor(() => expect(changes.map((config) => config.server.port)).toEqual([8002]), WAIT);
    expect(changes[0]?.server.host).toBe('0.0.0.0');
    expect(changes[0]?.dataDir).toBe(join(cwd, '.slipway'));
    expect(Object.isFrozen(changes[0])).toBe(true);
    expect(errors).toEqual([]);
  });

  it('follows an editor that replaces the file by renaming a new one over it', async () => {
    start();
    const temporary = join(cwd, '.slipway.yaml.swp');
    writeFileSync(temporary, 'server: { port: 8003 }\n');
    renameSync(temporary, file);
    await vi.waitFor(() => expect(changes.map((config) => config.server.port)).toEqual([8003]), WAIT);
    writeFileSync(file, 'server: { port: 8004 }\n');
    await vi.waitFor(() => expect(changes.map((config) => config.server.port)).toEqual([8003, 8004]), WAIT);
  });

  it('reports an invalid file and keeps quiet until a valid one arrives', async () => {
    start();
    writeFileSync(file, 'server:\n  port: 8005\n  prot: 1\n');
    await vi.waitFor(() => expect(errors).toHaveLength(1), WAIT);
    const error = errors[0];
    expect(error).toBeInstanceOf(SlipwayError);
    expect((error as SlipwayError).code).toBe('invalid_request');
    expect((error as SlipwayError).message).toContain('slipway.yaml:3:3 server: unknown key "prot"');
    expect(changes).toEqual([]);
    writeFileSync(file, 'server:\n  port: 8006\n');
    await vi.waitFor(() => expect(changes.map((config) => config.server.port)).toEqual([8006]), WAIT);
    expect(errors).toHaveLength(1);
  });

  it('reloads on demand even when the file is unchanged, and not after close', () => {
    const started = start();
    started.reload();
    expect(changes.map((config) => config.server.port)).toEqual([8001]);
    started.close();
    started.close();
    started.reload();
    expect(changes).toHaveLength(1);
  });

  it('reports a file that has gone', () => {
    const started = start();
    rmSync(file);
    started.reload();
    expect(errors).toHaveLength(1);
    expect((errors[0] as SlipwayError).message).toBe(`Cannot read configuration file ${file}`);
    expect(changes).toEqual([]);
  });
});
