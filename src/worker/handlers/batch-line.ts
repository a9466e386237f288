import type { ComposedApp } from '../../compose/compose-app.js';
import { JOB_CATALOG, type JobPayload } from '../../jobs/job-catalog.js';
import type { JobDelivery } from '../../ports/job-queue.js';

/**
 * `batch.line`: runs one request of a batch through the gateway and stores its result. A plain entry, like
 * `batchPlanHandler`, for the same reason.
 */
export const batchLineHandler = {
  name: 'batch.line',
  schema: JOB_CATALOG['batch.line'],
  create:
    (app: ComposedApp) => (payload: JobPayload<'batch.line'>, delivery: JobDelivery, signal: AbortSignal) =>
      app.batching.runBatchLine(payload, { finalAttempt: delivery.attempt >= delivery.maxAttempts, signal }),
};
