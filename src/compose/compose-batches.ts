import type { Config } from '../config/config-schema.js';
import type { ApiKeyStore } from '../ports/api-key-store.js';
import type { BatchStore } from '../ports/batch-store.js';
import type { Clock } from '../ports/clock.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { Random } from '../ports/random.js';
import { makeBatchExpirySweep } from '../services/batch-expiry-sweep.js';
import { makeBatchManagement } from '../services/manage-batches.js';
import { makeFileManagement } from '../services/manage-files.js';
import { makePlanBatch } from '../services/plan-batch.js';
import { makeRunBatchLine } from '../services/run-batch-line.js';
import { makeSettleBatch } from '../services/settle-batch.js';
import { type ExecuteBatchLineDeps, makeExecuteBatchLine } from './execute-batch-line.js';

export interface BatchesCompositionDeps extends ExecuteBatchLineDeps {
  store: BatchStore & Pick<ApiKeyStore, 'getApiKey'>;
  queue: Pick<JobQueue, 'enqueue'>;
  clock: Clock;
  random: Random;
  logError(message: string, error: unknown): void;
}

/**
 * The Batch API: the `/v1/files` and `/v1/batches` use cases, the handlers of the `batch.plan` and `batch.line`
 * jobs (run by the workers, src/worker/handlers), and the expiry check, started here and stopped by `close`.
 * @example const batching = composeBatches(config, { store, queue, clock, random, completeChat, createEmbeddings, logError });
 */
export function composeBatches(config: Config, deps: BatchesCompositionDeps) {
  const { store, clock, random } = deps;
  const settle = makeSettleBatch({ store, clock, random });
  const expiry = makeBatchExpirySweep({
    store,
    clock,
    settle,
    intervalMs: config.batches.expiryCheckMs,
    logError: deps.logError,
  });
  expiry.start();
  return {
    files: makeFileManagement({ store, clock, random, limits: config.batches }),
    batches: makeBatchManagement({ store, clock, random, settle }),
    planBatch: makePlanBatch({ store, queue: deps.queue, clock, random, settle }),
    runBatchLine: makeRunBatchLine({ store, clock, random, settle, execute: makeExecuteBatchLine(deps) }),
    /** Stops the expiry check; the workers, which run the jobs, are stopped by their owner. */
    close: () => expiry.close(),
  };
}
