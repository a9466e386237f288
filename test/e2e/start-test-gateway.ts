import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigText } from '../../src/config/load-config.js';
import { composeApp, type ComposedApp } from '../../src/compose/compose-app.js';
import type { Config } from '../../src/config/config-schema.js';
import type { Role } from '../../src/core/identity.js';
import { createHttpApp } from '../../src/http/create-http-app.js';

export interface TestGateway {
  baseUrl: string;
  app: ComposedApp;
  /** An `app` key of the default project. */
  appKey: string;
  adminKey: string;
  createKey(options: {
    role: Role;
    name?: string;
    project?: string;
    limits?: Record<string, number>;
    allowedModels?: string[];
  }): Promise<string>;
  /** Loads configuration text as the gateway loaded its own (same data directory and environment), e.g. to reload. */
  loadConfig(configText: string): Config;
  /** Waits until the log writer has stored everything recorded so far. */
  flushLog(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the real composed app and HTTP server on a loopback port, from configuration text, on a fresh SQLite
 * file (or the store the text names). Errors are collected in `errors` for assertions.
 */
export async function startTestGateway(configText = '', errors: unknown[] = []): Promise<TestGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'slipway-e2e-'));
  const loadConfig = (text: string) =>
    loadConfigText(text, {
      env: { SLIPWAY_DATA_DIR: dataDir, SLIPWAY_PORT: '0', SLIPWAY_LOG_FLUSH_MS: '10' },
      cwd: dataDir,
      file: null,
    });
  const config = loadConfig(configText);
  const logError = (_message: string, error: unknown) => errors.push(error);
  const app = await composeApp(config, { logError });
  const { generatedSecret } = await app.keys.ensureBootstrapAdmin(null);
  const http = createHttpApp({
    ...app,
    interactions: app.store,
    bodyLimitBytes: config.server.bodyLimitBytes,
    trustProxy: config.server.trustProxy,
    // The dashboard as `npm run build` leaves it; without a build `/` answers with build instructions.
    dashboardDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    logError,
  });
  const baseUrl = await http.listen({ host: '127.0.0.1', port: 0 });
  const createKey: TestGateway['createKey'] = async (options) =>
    (await app.keys.createApiKey({ name: options.name ?? `${options.role} key`, ...options })).secret;
  return {
    baseUrl,
    app,
    adminKey: generatedSecret ?? '',
    appKey: await createKey({ role: 'app' }),
    createKey,
    loadConfig,
    flushLog: () => app.logWriter.flush(),
    close: async () => {
      await http.close();
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
