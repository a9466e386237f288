/**
 * A worker process for the crash scenarios: consumes `reliability.effect` jobs and commits each one's effect to
 * the shared SQLite file before the job is acknowledged. Started with fork(); told what to open over IPC.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { openReliabilityQueue, type ReliabilityQueueSpec } from './reliability-queue-spec.js';
import { SqliteEffectLog } from './sqlite-effect-log.js';

interface WorkerOrders {
  spec: ReliabilityQueueSpec;
  effectsPath: string;
  jobName: string;
  handlerMs: number;
  concurrency: number;
}

process.once('message', (orders: WorkerOrders) => {
  void (async () => {
    const effects = new SqliteEffectLog(orders.effectsPath);
    const queue = await openReliabilityQueue(orders.spec);
    await queue.consume(
      orders.jobName,
      async (delivery) => {
        // The work takes a while, so that a SIGKILL often lands in the middle of it.
        await sleep(orders.handlerMs);
        effects.commit(delivery.id, delivery.attempt);
      },
      { concurrency: orders.concurrency },
    );
    process.send?.('ready');
  })();
});
