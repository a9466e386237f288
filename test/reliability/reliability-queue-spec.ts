import { openEmbeddedJobQueue } from '../../src/adapters/queue/embedded/index.js';
import { openRabbitMqJobQueue } from '../../src/adapters/queue/rabbitmq/index.js';
import type { JobQueue } from '../../src/ports/job-queue.js';

/** Which queue a scenario runs on, in a form a child process receives as JSON. */
export type ReliabilityQueueSpec =
  { kind: 'rabbitmq'; url: string; prefix: string } | { kind: 'embedded'; path: string };

/** Small timing knobs so that retries, lapsed leases and reconnections settle within a second or two. */
export async function openReliabilityQueue(spec: ReliabilityQueueSpec): Promise<JobQueue> {
  const backoff = { baseMs: 20, maxMs: 100 };
  if (spec.kind === 'embedded') {
    return openEmbeddedJobQueue({
      path: spec.path,
      leaseMs: 500,
      pollIntervalMs: 20,
      defaultMaxAttempts: 20,
      backoff,
    });
  }
  return openRabbitMqJobQueue({
    url: spec.url,
    prefix: spec.prefix,
    confirmWindow: 200,
    prefetch: 50,
    defaultMaxAttempts: 20,
    backoff,
    reconnect: { baseMs: 50, maxMs: 1000 },
    // Longer than any outage a scenario stages (cuts, refusals, a broker restart): enqueues there wait it out.
    publishTimeoutMs: 60_000,
    logError: () => undefined,
  });
}
