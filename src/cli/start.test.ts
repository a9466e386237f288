import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listenFailure } from './listen-failure.js';

describe('listenFailure', () => {
  it('names the address and the setting to change for each cause an operator can fix', () => {
    const at = { host: '127.0.0.1', port: 8080 };
    const taken = listenFailure(Object.assign(new Error('listen'), { code: 'EADDRINUSE' }), at);
    expect(taken?.code).toBe('conflict');
    expect(taken?.message).toMatch(/127\.0\.0\.1:8080.*already in use.*SLIPWAY_PORT/);
    expect(listenFailure({ code: 'EACCES' }, at)?.message).toMatch(/no permission.*SLIPWAY_PORT/);
    expect(listenFailure({ code: 'EADDRNOTAVAIL' }, at)?.message).toMatch(/SLIPWAY_HOST/);
    expect(listenFailure(new Error('disk full'), at)).toBeNull();
    expect(listenFailure(null, at)).toBeNull();
  });
});

describe('slipway start on a port already in use', () => {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it('exits 1 with one clear line instead of a stack trace', async () => {
    const occupier: Server = createServer();
    await new Promise<void>((resolve) => occupier.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => occupier.close());
    const port = (occupier.address() as { port: number }).port;
    const dataDir = mkdtempSync(join(tmpdir(), 'slipway-start-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    // An empty file: the defaults, whatever slipway.yaml the checkout may hold.
    const configFile = join(dataDir, 'slipway.yaml');
    writeFileSync(configFile, '');

    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start'], {
      env: {
        PATH: process.env.PATH,
        SLIPWAY_HOST: '127.0.0.1',
        SLIPWAY_PORT: String(port),
        SLIPWAY_DATA_DIR: dataDir,
        SLIPWAY_CONFIG: configFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (part: Buffer) => (stderr += part.toString()));
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));

    expect(exitCode).toBe(1);
    expect(stderr.trim()).toBe(
      `error: Cannot listen on 127.0.0.1:${port}: the port is already in use (another Slipway?). ` +
        'Stop it, or choose another port with SLIPWAY_PORT or server.port.',
    );
  }, 60_000);
});
