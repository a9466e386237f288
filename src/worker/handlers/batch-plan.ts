import type { ComposedApp } from '../../compose/compose-app.js';
import { JOB_CATALOG, type JobPayload } from '../../jobs/job-catalog.js';

/**
 * `batch.plan`: checks a new batch's lines and enqueues one `batch.line` job per good line. Written as a plain
 * entry rather than with `catalogJobHandler`, whose module registers this one: importing it would be a cycle.
 */
export const batchPlanHandler = {
  name: 'batch.plan',
  schema: JOB_CATALOG['batch.plan'],
  create: (app: ComposedApp) => (payload: JobPayload<'batch.plan'>) =>
    app.batching.planBatch(payload.batchId),
  // Planning reads a whole file; two at once leave room for the queue's other work.
  concurrency: 2,
};
