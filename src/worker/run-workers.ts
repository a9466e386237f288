import { hostname } from 'node:os';
import type { JobConsumer, JobDelivery, JobHandler, JobQueue } from '../ports/job-queue.js';
import type { Clock } from '../ports/clock.js';
import type { Metrics } from '../ports/metrics.js';
import type { Random } from '../ports/random.js';
import type { WorkerRegistry } from '../ports/worker-registry.js';
import type { JobHandlerEntry, PayloadHandler } from './job-handler-registry.js';

/** A job whose payload its schema refuses: it can never succeed, however often it is delivered. */
class InvalidJobPayloadError extends Error {
  override readonly name = 'InvalidJobPayloadError';
}

export interface RunWorkersOptions {
  queue: JobQueue;
  /** What to consume; each entry's handler is made once, from `create(app)` (done by the caller). */
  handlers: ReadonlyArray<{ entry: JobHandlerEntry; handle: PayloadHandler<unknown> }>;
  /** Deliveries handled at once per job name. */
  concurrencyOf(name: string): number;
  metrics: Pick<Metrics, 'observeJob'>;
  workers: WorkerRegistry;
  clock: Clock;
  random: Random;
  /** How often this process records that it is alive. */
  heartbeatMs: number;
  logError(message: string, error: unknown): void;
}

/** Workers consuming the queue in this process. */
export interface RunningWorkers {
  /** This process's row in the worker registry. */
  readonly id: string;
  readonly jobNames: readonly string[];
  /** Deliveries each job name handles at once, as its consumer was opened with. */
  readonly concurrency: Readonly<Record<string, number>>;
  /** Stops taking jobs, waits for the jobs in hand to settle, then removes this worker's heartbeat; idempotent. */
  stop(): Promise<void>;
}

/**
 * The job handler the queue calls: checks the payload against the entry's schema, runs the handler, and counts
 * the outcome. Every failure is rethrown, so the queue retries it with backoff; a payload the schema refuses
 * throws too and, failing the same way at every delivery, is dead-lettered after `maxAttempts` with the
 * schema's complaint as its reason.
 */
function superviseHandler(
  entry: JobHandlerEntry,
  handle: PayloadHandler<unknown>,
  options: Pick<RunWorkersOptions, 'metrics' | 'clock' | 'logError'>,
): JobHandler {
  return async (delivery: JobDelivery, signal: AbortSignal) => {
    const startedAt = options.clock.now();
    const observe = (outcome: 'completed' | 'failed' | 'invalid') =>
      options.metrics.observeJob({
        name: entry.name,
        outcome,
        durationMs: options.clock.now() - startedAt,
      });
    const parsed = entry.schema.safeParse(delivery.payload);
    if (!parsed.success) {
      observe('invalid');
      const issues = parsed.error.issues
        .map((issue) => `${issue.path.join('.') || '(payload)'}: ${issue.message}`)
        .join('; ');
      const error = new InvalidJobPayloadError(`invalid payload for job "${entry.name}": ${issues}`);
      options.logError(`job ${delivery.id} (${entry.name}) refused`, error);
      throw error;
    }
    try {
      await handle(parsed.data, delivery, signal);
      observe('completed');
    } catch (error) {
      observe('failed');
      const last = delivery.attempt >= delivery.maxAttempts ? ', dead-lettered' : '';
      options.logError(
        `job ${delivery.id} (${entry.name}) failed at attempt ${delivery.attempt} of ${delivery.maxAttempts}${last}`,
        error,
      );
      throw error;
    }
  };
}

/**
 * Consumes every job name given, each with its concurrency, and keeps this process's heartbeat in the worker
 * registry so that `slipway queue status` counts it among the live workers.
 * @example const workers = await runWorkers({ queue, handlers, concurrencyOf, metrics, workers: store, … });
 */
export async function runWorkers(options: RunWorkersOptions): Promise<RunningWorkers> {
  const id = options.random.id('wrk');
  const jobNames = options.handlers.map(({ entry }) => entry.name);
  const startedAt = options.clock.now();
  const beat = async () => {
    const now = options.clock.now();
    await options.workers.recordWorkerHeartbeat({
      id,
      host: hostname(),
      pid: process.pid,
      startedAt,
      lastSeenAt: now,
      jobNames,
    });
    // Workers killed without a clean stop leave their row; any live worker clears rows long past their time.
    await options.workers.removeWorkersSeenBefore(now - 10 * options.heartbeatMs);
  };
  await beat();
  const heartbeat = setInterval(() => {
    beat().catch((error: unknown) => options.logError('recording the worker heartbeat failed', error));
  }, options.heartbeatMs);
  heartbeat.unref();

  const consumers: JobConsumer[] = [];
  const concurrency: Record<string, number> = {};
  try {
    for (const { entry, handle } of options.handlers) {
      const handledAtOnce = options.concurrencyOf(entry.name);
      concurrency[entry.name] = handledAtOnce;
      consumers.push(
        await options.queue.consume(entry.name, superviseHandler(entry, handle, options), {
          concurrency: handledAtOnce,
        }),
      );
    }
  } catch (error) {
    clearInterval(heartbeat);
    await Promise.allSettled(consumers.map((consumer) => consumer.close()));
    await options.workers.removeWorker(id).catch(() => undefined);
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    id,
    jobNames,
    concurrency,
    stop() {
      stopping ??= (async () => {
        clearInterval(heartbeat);
        await Promise.all(consumers.map((consumer) => consumer.close()));
        await options.workers.removeWorker(id);
      })();
      return stopping;
    },
  };
}
