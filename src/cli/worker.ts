import type { Command } from 'commander';
import { loadConfig, readProcessEnv } from '../config/load-config.js';

interface WorkerOptions {
  config?: string;
}

function logError(message: string, error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`[slipway worker] ${message}: ${detail}\n`);
}

/**
 * Runs the queue's workers in this process, without the HTTP API, until SIGTERM or SIGINT; then stops taking
 * jobs, lets the jobs in hand finish (a job cut off by a kill is delivered again: delivery is at least once),
 * flushes the interaction log and exits.
 */
async function runWorker(options: WorkerOptions): Promise<void> {
  const { config, file } = loadConfig({
    env: readProcessEnv(),
    cwd: process.cwd(),
    ...(options.config === undefined ? {} : { file: options.config }),
  });
  // Loaded here, not at the top: the other commands are HTTP clients and need none of the server stack.
  const { composeApp } = await import('../compose/compose-app.js');
  const { startWorkers } = await import('../worker/start-workers.js');
  const { createJobHandlerRegistry } = await import('../worker/job-handler-registry.js');
  const app = await composeApp(config, { logError });
  let workers;
  try {
    workers = await startWorkers(app, createJobHandlerRegistry(), logError);
  } catch (error) {
    await app.close();
    throw error;
  }
  const consumed = workers.jobNames.map((name) => `${name} ×${workers.concurrency[name]}`);
  process.stdout.write(
    [
      `Slipway worker ${workers.id} is running`,
      `  queue: ${config.queue.kind}`,
      `  store: ${config.store.kind}`,
      `  config: ${file ?? 'defaults and environment (no slipway.yaml)'}`,
      `  consuming: ${consumed.join(', ') || 'nothing (no job handlers registered)'}`,
      '',
    ].join('\n'),
  );

  const running = workers;
  await new Promise<void>((resolve) => {
    const shutdown = (signal: string) => {
      process.stdout.write(`[slipway worker] ${signal}: finishing the jobs in hand\n`);
      running
        .stop()
        .then(() => app.close())
        .catch((error: unknown) => logError('shutdown failed', error))
        .finally(resolve);
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
  process.stdout.write('[slipway worker] stopped\n');
}

/** `slipway worker`: registered by main.ts beside `start`, as it runs the server stack in this process. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('consume the job queue in this process (scale-out: beside `slipway api` processes)')
    .option('--config <file>', 'configuration file (default: $SLIPWAY_CONFIG or ./slipway.yaml if present)')
    .action((options: WorkerOptions) => runWorker(options));
}
