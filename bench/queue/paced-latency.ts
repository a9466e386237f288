import type { JobQueue } from '../../src/ports/job-queue.js';
import { summarize } from '../lib/bench-stats.js';

/** Percentiles of one latency, in milliseconds. */
export interface LatencyFigures {
  p50: number;
  p99: number;
}

export interface PacedLatency {
  jobs: number;
  ratePerSecond: number;
  /** From the `enqueue` call to the start of the job's handler. */
  enqueueToStartMs: LatencyFigures;
  /** From the `enqueue` call to its promise resolving (what an API request that enqueues waits for). */
  enqueueMs: LatencyFigures;
}

/**
 * Latency at a light, steady load, which throughput rounds cannot show (there, a job's latency is mostly the
 * time it queues behind thousands of others). Enqueues one job per call at a fixed rate, open loop: each call
 * starts on its schedule whether or not the previous one has resolved, so a slow enqueue does not hide the
 * latency of the ones behind it. The consumer takes `concurrency` jobs at once and does nothing.
 */
export async function measurePacedLatency(
  queue: JobQueue,
  options: { name: string; jobs: number; ratePerSecond: number; concurrency: number },
): Promise<PacedLatency> {
  const calledAt = new Map<string, number>();
  const toStart: number[] = [];
  const enqueueDurations: number[] = [];
  let resolveAll: () => void = () => undefined;
  const allStarted = new Promise<void>((resolve) => (resolveAll = resolve));
  const consumer = await queue.consume(
    options.name,
    async (delivery) => {
      toStart.push(performance.now() - (calledAt.get(delivery.id) ?? Number.NaN));
      if (toStart.length === options.jobs) resolveAll();
    },
    { concurrency: options.concurrency },
  );
  const intervalMs = 1000 / options.ratePerSecond;
  const started = performance.now();
  const enqueues: Promise<void>[] = [];
  try {
    for (let index = 0; index < options.jobs; index += 1) {
      const dueIn = started + index * intervalMs - performance.now();
      if (dueIn > 0) await new Promise((resolve) => setTimeout(resolve, dueIn));
      const id = `${options.name}-${index}`;
      const now = performance.now();
      calledAt.set(id, now);
      enqueues.push(
        queue
          .enqueue([
            { id, name: options.name, payload: { index, text: 'a job payload of a realistic small size' } },
          ])
          .then(() => void enqueueDurations.push(performance.now() - now)),
      );
    }
    await Promise.all(enqueues);
    await allStarted;
  } finally {
    await consumer.close();
  }
  return {
    jobs: options.jobs,
    ratePerSecond: options.ratePerSecond,
    enqueueToStartMs: figuresOf(toStart),
    enqueueMs: figuresOf(enqueueDurations),
  };
}

function figuresOf(samples: readonly number[]): LatencyFigures {
  const summary = summarize(samples);
  return { p50: Number(summary.p50.toFixed(2)), p99: Number(summary.p99.toFixed(2)) };
}
