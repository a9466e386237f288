import { join } from 'node:path';
import { openEmbeddedJobQueue } from '../adapters/queue/embedded/index.js';
import type { Config } from '../config/config-schema.js';
import type { Clock } from '../ports/clock.js';
import type { JobOutbox } from '../ports/job-outbox.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { Metrics } from '../ports/metrics.js';
import type { WorkerRegistry } from '../ports/worker-registry.js';
import { makeQueueGauges } from '../services/queue-gauges.js';
import { makeOutboxRelay } from '../services/relay-outbox.js';
import { makeQueueStatus, type QueueStatus } from '../services/queue-status.js';
import { makeRedriveDeadLetters, type RedriveDeadLetters } from '../services/redrive-dead-letters.js';
import type { RecordAudit } from '../services/record-audit.js';

/** How often the queue gauges of `/metrics` are refreshed. */
const GAUGE_REFRESH_MS = 5_000;
/** The outbox relay's pause when idle, jobs moved per pass, and how long published jobs stay in the outbox. */
const RELAY_INTERVAL_MS = 200;
const RELAY_BATCH_SIZE = 500;
const RELAY_RETAIN_PUBLISHED_MS = 24 * 60 * 60 * 1000;

export interface QueueComposition {
  queue: JobQueue;
  /** `GET /api/queue`, `slipway queue status`, the dashboard's Queue page. */
  queueOperations: QueueStatus & { redrive: RedriveDeadLetters };
  /** Stops the relay and the gauges, then closes the queue (stop running workers before). */
  close(): Promise<void>;
}

async function openQueue(
  config: Config,
  logError: (message: string, error: unknown) => void,
): Promise<JobQueue> {
  const { queue } = config;
  const backoff = { baseMs: queue.backoff.baseMs, maxMs: queue.backoff.maxMs };
  if (queue.kind === 'rabbitmq') {
    // Loaded only when chosen: the embedded mode never loads the AMQP client.
    const { openRabbitMqJobQueue } = await import('../adapters/queue/rabbitmq/index.js');
    return openRabbitMqJobQueue({
      // The schema refuses kind "rabbitmq" without a url.
      url: queue.url ?? '',
      prefix: queue.prefix,
      confirmWindow: queue.confirmWindow,
      prefetch: queue.prefetch,
      defaultMaxAttempts: queue.maxAttempts,
      backoff,
      reconnect: { baseMs: queue.reconnect.baseMs, maxMs: queue.reconnect.maxMs },
      publishTimeoutMs: queue.publishTimeoutMs,
      logError,
    });
  }
  return openEmbeddedJobQueue({
    path: join(config.dataDir, 'queue.sqlite'),
    leaseMs: queue.leaseMs,
    pollIntervalMs: queue.pollIntervalMs,
    defaultMaxAttempts: queue.maxAttempts,
    backoff,
  });
}

/**
 * The queue chosen by `queue.kind`, the relay that moves committed outbox jobs onto it, its operations (status,
 * dead letters, audited redrive) and its gauges in `/metrics`. Workers are not started here: `slipway start` and `slipway worker` start them (src/worker).
 * @example const { queue, queueOperations, close } = await composeQueue(config, { store, metrics, clock, … });
 */
export async function composeQueue(
  config: Config,
  deps: {
    workers: WorkerRegistry;
    outbox: JobOutbox;
    metrics: Metrics;
    clock: Clock;
    recordAudit: RecordAudit;
    logError(message: string, error: unknown): void;
  },
): Promise<QueueComposition> {
  const queue = await openQueue(config, deps.logError);
  const status = makeQueueStatus({
    queue,
    workers: deps.workers,
    clock: deps.clock,
    heartbeatMs: config.workers.heartbeatMs,
  });
  const gauges = makeQueueGauges({ status, intervalMs: GAUGE_REFRESH_MS, logError: deps.logError });
  for (const source of gauges.sources) deps.metrics.registerGauge(source);
  await gauges.start();
  // Every process relays: two relays may publish a job twice, which its id (an idempotency key) absorbs, and no
  // process is then the only one that can move a committed batch onto the queue.
  const relay = makeOutboxRelay({
    outbox: deps.outbox,
    queue,
    clock: deps.clock,
    intervalMs: RELAY_INTERVAL_MS,
    batchSize: RELAY_BATCH_SIZE,
    retainPublishedMs: RELAY_RETAIN_PUBLISHED_MS,
    logError: deps.logError,
  });
  relay.start();
  return {
    queue,
    queueOperations: {
      ...status,
      redrive: makeRedriveDeadLetters({ queue, recordAudit: deps.recordAudit }),
    },
    async close() {
      await relay.close();
      await gauges.close();
      await queue.close();
    },
  };
}
