import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { loadConfig, readProcessEnv } from '../config/load-config.js';
import { watchConfig } from '../config/watch-config.js';
import { listenFailure } from './listen-failure.js';

interface StartOptions {
  config?: string;
}

/** `start` runs the workers in process when `workers.inProcess` says so; `api` never does (they run apart). */
type WorkersMode = 'per-config' | 'none';

function logError(message: string, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`[slipway] ${message}: ${detail}\n`);
}

function describeWorkers(workers: { jobNames: readonly string[] } | null): string {
  if (workers === null) return 'none in this process (run slipway worker)';
  return `in process (${workers.jobNames.join(', ') || 'no job handlers registered'})`;
}

/**
 * Runs the embedded product in this process: API, gateway, log writer and (`workersMode`) the queue's workers,
 * until SIGTERM or SIGINT, then shuts down gracefully (stops accepting, lets in-flight requests finish within
 * `server.shutdownGraceMs`, lets the workers finish the jobs in hand, flushes the log). SIGHUP, or a change of
 * the configuration file, applies new routes without dropping requests.
 */
async function start(options: StartOptions, workersMode: WorkersMode): Promise<void> {
  const env = readProcessEnv();
  const cwd = process.cwd();
  const { config, file } = loadConfig({
    env,
    cwd,
    ...(options.config === undefined ? {} : { file: options.config }),
  });
  // Loaded here, not at the top: the other commands are HTTP clients and need none of the server stack.
  const { composeApp } = await import('../compose/compose-app.js');
  const { createHttpApp } = await import('../http/create-http-app.js');
  const app = await composeApp(config, { logError });
  const workers =
    workersMode === 'per-config' && config.workers.inProcess
      ? await (async () => {
          const { startWorkers } = await import('../worker/start-workers.js');
          const { createJobHandlerRegistry } = await import('../worker/job-handler-registry.js');
          return startWorkers(app, createJobHandlerRegistry(), logError);
        })()
      : null;
  const { generatedSecret } = await app.keys.ensureBootstrapAdmin(config.adminKey);
  const http = createHttpApp({
    ...app,
    interactions: app.store,
    bodyLimitBytes: config.server.bodyLimitBytes,
    trustProxy: config.server.trustProxy,
    // dist/cli/start.js and src/cli/start.ts (tsx) are both two levels below the package root.
    dashboardDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    logError,
  });
  const { host, port } = config.server;
  const address = await http.listen({ host, port }).catch(async (error: unknown) => {
    // What started before the listen is stopped first, so that the log is flushed and the stores closed.
    await http
      .close()
      .then(() => workers?.stop())
      .then(() => app.close())
      .catch((closeError: unknown) => logError('shutdown after a failed start failed', closeError));
    throw listenFailure(error, { host, port }) ?? error;
  });

  const lines = [
    `Slipway is listening on ${address}`,
    `  dashboard: ${address}/`,
    `  store: ${config.store.kind}${config.store.kind === 'sqlite' ? ` (${config.store.path})` : ''}`,
    `  config: ${file ?? 'defaults and environment (no slipway.yaml)'}`,
    `  queue: ${config.queue.kind}; workers: ${describeWorkers(workers)}`,
    `  models: ${app
      .listModels({ allowedModels: null })
      .data.map((model) => model.id)
      .join(', ')}`,
  ];
  if (generatedSecret !== null) {
    lines.push(
      '',
      `  Admin key (shown once, store it now): ${generatedSecret}`,
      '  Use it with the CLI: export SLIPWAY_TOKEN=<admin key>',
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  const watcher =
    file === null
      ? null
      : watchConfig({
          file,
          env,
          cwd,
          onChange: (next) => {
            try {
              app.reloadRoutes(next, config.server.shutdownGraceMs);
              process.stdout.write(`[slipway] configuration reloaded: ${next.routes.length} routes\n`);
            } catch (error) {
              logError('configuration reload rejected', error);
            }
          },
          onError: (error) => logError('configuration reload rejected (keeping the current one)', error),
        });
  const onHangUp = () => watcher?.reload();
  process.on('SIGHUP', onHangUp);

  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      process.stdout.write(`[slipway] ${signal}: shutting down\n`);
      process.off('SIGHUP', onHangUp);
      watcher?.close();
      const force = setTimeout(() => http.server.closeAllConnections(), config.server.shutdownGraceMs);
      force.unref();
      // Node closes idle keep-alive connections once, when closing starts; a connection busy then and idle after
      // would hold the process until the grace period ends.
      const sweep = setInterval(() => http.server.closeIdleConnections(), 50);
      sweep.unref();
      http
        .close()
        .then(() => workers?.stop())
        .then(() => app.close())
        .catch((error: unknown) => logError('shutdown failed', error))
        .finally(() => {
          clearTimeout(force);
          clearInterval(sweep);
          resolve();
        });
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run Slipway in this process (embedded mode: API, gateway and log writer)')
    .option('--config <file>', 'configuration file (default: $SLIPWAY_CONFIG or ./slipway.yaml if present)')
    .action((options: StartOptions) => start(options, 'per-config'));
  program
    .command('api')
    .description(
      'run the API and gateway without workers (scale-out: run `slipway worker` processes beside it)',
    )
    .option('--config <file>', 'configuration file (default: $SLIPWAY_CONFIG or ./slipway.yaml if present)')
    .action((options: StartOptions) => start(options, 'none'));
}
