import type { ComposedApp } from '../../compose/compose-app.js';
import { JOB_CATALOG, type JobPayload } from '../../jobs/job-catalog.js';
import type { JobDelivery } from '../../ports/job-queue.js';

/**
 * `inference.chat`: one request of a `dispatch: queued` route, answered to the API process that holds the
 * client. Interactive requests are the high-priority class: RabbitMQ's quorum queues have no priorities, so each
 * class has its own queue (job name) and this one is consumed with more deliveries in hand than `batch.line`
 * (`workers.defaultConcurrency`), so that a backlog of batch lines never holds back a waiting client.
 */
export const inferenceChatHandler = {
  name: 'inference.chat',
  schema: JOB_CATALOG['inference.chat'],
  concurrency: 64,
  create:
    (app: ComposedApp) =>
    (payload: JobPayload<'inference.chat'>, _delivery: JobDelivery, signal: AbortSignal) =>
      app.dispatching.runQueuedChat(payload, signal),
};
