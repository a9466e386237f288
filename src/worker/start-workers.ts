import type { ComposedApp } from '../compose/compose-app.js';
import type { JobHandlerRegistry } from './job-handler-registry.js';
import { runWorkers, type RunningWorkers } from './run-workers.js';

/**
 * Runs every handler of `registry` on the composed app's queue, with the concurrency `workers.concurrency`
 * gives each job name (else the handler's own, else `workers.defaultConcurrency`).
 * @example const workers = await startWorkers(app, createJobHandlerRegistry(), logError); … await workers.stop();
 */
export function startWorkers(
  app: ComposedApp,
  registry: JobHandlerRegistry,
  logError: (message: string, error: unknown) => void,
): Promise<RunningWorkers> {
  const settings = app.config.workers;
  const entries = registry.entries();
  return runWorkers({
    queue: app.queue,
    handlers: entries.map((entry) => ({ entry, handle: entry.create(app) })),
    concurrencyOf: (name) =>
      settings.concurrency[name] ??
      entries.find((entry) => entry.name === name)?.concurrency ??
      settings.defaultConcurrency,
    metrics: app.metrics,
    workers: app.store,
    clock: app.clock,
    random: app.random,
    heartbeatMs: settings.heartbeatMs,
    logError,
  });
}
