/**
 * A producer process for the "API crash during submissions" scenario: enqueues batches of jobs for ever and
 * reports each batch's ids to the parent over IPC only after its enqueue resolved (what an API would answer 2xx).
 */
import { openReliabilityQueue, type ReliabilityQueueSpec } from './reliability-queue-spec.js';

interface ProducerOrders {
  spec: ReliabilityQueueSpec;
  jobName: string;
  batchSize: number;
}

process.once('message', (orders: ProducerOrders) => {
  void (async () => {
    const queue = await openReliabilityQueue(orders.spec);
    for (let batch = 0; ; batch += 1) {
      const ids = Array.from({ length: orders.batchSize }, (_, index) => `p${process.pid}-${batch}-${index}`);
      await queue.enqueue(ids.map((id) => ({ id, name: orders.jobName, payload: { id } })));
      process.send?.({ accepted: ids });
    }
  })();
});
