import type { JobQueue } from '../../src/ports/job-queue.js';

/**
 * Jobs per second through a JobQueue, end to end: `jobs` jobs enqueued in batches of `batchSize` (a few batches
 * in flight at once, as concurrent API requests would), consumed with `concurrency` handlers that do nothing,
 * first enqueue to last acknowledgement. Also returns each job's latency from its enqueue call to its handler's
 * start.
 */
export async function measureQueueLoop(
  queue: JobQueue,
  options: { name: string; jobs: number; batchSize: number; batchesInFlight: number; concurrency: number },
): Promise<{ jobsPerSecond: number; latenciesMs: number[] }> {
  const enqueuedAt = new Map<string, number>();
  const latenciesMs: number[] = [];
  let resolveAll: () => void = () => undefined;
  const allHandled = new Promise<void>((resolve) => (resolveAll = resolve));
  const consumer = await queue.consume(
    options.name,
    async (delivery) => {
      latenciesMs.push(performance.now() - (enqueuedAt.get(delivery.id) ?? Number.NaN));
      if (latenciesMs.length === options.jobs) resolveAll();
    },
    { concurrency: options.concurrency },
  );
  const started = performance.now();
  let next = 0;
  const producer = async () => {
    while (next < options.jobs) {
      const from = next;
      next = Math.min(options.jobs, next + options.batchSize);
      const jobs = Array.from({ length: next - from }, (_, offset) => ({
        id: `${options.name}-${from + offset}`,
        name: options.name,
        payload: { index: from + offset, text: 'a job payload of a realistic small size' },
      }));
      const now = performance.now();
      for (const job of jobs) enqueuedAt.set(job.id, now);
      await queue.enqueue(jobs);
    }
  };
  await Promise.all(Array.from({ length: options.batchesInFlight }, producer));
  await allHandled;
  const seconds = (performance.now() - started) / 1000;
  await consumer.close();
  return { jobsPerSecond: options.jobs / seconds, latenciesMs };
}
