import {
  BATCH_ENDPOINTS,
  type BatchEndpoint,
  type BatchRecord,
  type BatchView,
  COMPLETION_WINDOW_MS,
  type CompletionWindow,
} from '../core/batch.js';
import { SlipwayError } from '../core/errors.js';
import type { Caller } from '../core/identity.js';
import type { BatchStore } from '../ports/batch-store.js';
import type { Clock } from '../ports/clock.js';
import type { Random } from '../ports/random.js';
import type { SettleBatch } from './settle-batch.js';

export interface BatchManagementDeps {
  store: Pick<BatchStore, 'getFile' | 'createBatch' | 'getBatch' | 'listBatches' | 'moveBatch'>;
  clock: Clock;
  random: Random;
  settle: SettleBatch;
}

export interface CreateBatchInput {
  inputFileId: string;
  endpoint: string;
  completionWindow: string;
  metadata: Record<string, string> | null;
}

/** A page of batches and whether another follows, as OpenAI lists them. */
export interface BatchPage {
  data: BatchView[];
  hasMore: boolean;
}

const isEndpoint = (value: string): value is BatchEndpoint =>
  (BATCH_ENDPOINTS as readonly string[]).includes(value);
const isWindow = (value: string): value is CompletionWindow => Object.hasOwn(COMPLETION_WINDOW_MS, value);

/**
 * The `/v1/batches` use cases. A key sees only its project's batches. Creating a batch stores it with its
 * `batch.plan` job in one transaction (the outbox), so that an accepted batch is always planned, even if the
 * process dies right after answering.
 * @example const batch = await batches.createBatch(caller, { inputFileId, endpoint: '/v1/chat/completions', completionWindow: '24h', metadata: null });
 */
export function makeBatchManagement(deps: BatchManagementDeps) {
  /** The batch, if it belongs to `projectId` (any project when undefined); `not_found` otherwise. */
  async function batchIn(projectId: string | undefined, id: string): Promise<BatchView> {
    const batch = await deps.store.getBatch(id);
    if (batch === null || (projectId !== undefined && batch.projectId !== projectId)) {
      throw new SlipwayError('not_found', `No such batch: ${id}`, { param: 'batch_id' });
    }
    return batch;
  }

  const ownedBatch = (caller: Caller, id: string) => batchIn(caller.projectId, id);

  async function createBatch(caller: Caller, input: CreateBatchInput): Promise<BatchView> {
    if (!isEndpoint(input.endpoint)) {
      throw new SlipwayError(
        'invalid_request',
        `Unsupported endpoint '${input.endpoint}': use ${BATCH_ENDPOINTS.join(' or ')}.`,
        { param: 'endpoint' },
      );
    }
    if (!isWindow(input.completionWindow)) {
      throw new SlipwayError('invalid_request', "The completion_window must be '24h'.", {
        param: 'completion_window',
      });
    }
    const file = await deps.store.getFile(input.inputFileId);
    if (file === null || file.projectId !== caller.projectId) {
      throw new SlipwayError('not_found', `No such file: ${input.inputFileId}`, { param: 'input_file_id' });
    }
    if (file.purpose !== 'batch') {
      throw new SlipwayError(
        'invalid_request',
        `The file ${file.id} was not uploaded with purpose 'batch'.`,
        {
          param: 'input_file_id',
        },
      );
    }
    const now = deps.clock.now();
    const batch: BatchRecord = {
      id: deps.random.id('batch'),
      projectId: caller.projectId,
      apiKeyId: caller.keyId,
      endpoint: input.endpoint,
      inputFileId: file.id,
      completionWindow: input.completionWindow,
      status: 'validating',
      totalLines: file.lineCount,
      outputFileId: null,
      errorFileId: null,
      metadata: input.metadata,
      errors: [],
      createdAt: now,
      expiresAt: now + COMPLETION_WINDOW_MS[input.completionWindow],
      inProgressAt: null,
      finalizingAt: null,
      completedAt: null,
      failedAt: null,
      expiredAt: null,
      cancellingAt: null,
      cancelledAt: null,
    };
    await deps.store.createBatch(batch, [
      { id: `batch-plan:${batch.id}`, name: 'batch.plan', payload: { batchId: batch.id } },
    ]);
    return { ...batch, requestCounts: { total: batch.totalLines, completed: 0, failed: 0 } };
  }

  async function listBatches(
    scope: { projectId?: string },
    query: { after?: string; limit: number },
  ): Promise<BatchPage> {
    const rows = await deps.store.listBatches({ ...query, ...scope, limit: query.limit + 1 });
    return { data: rows.slice(0, query.limit), hasMore: rows.length > query.limit };
  }

  /**
   * Moves the batch to `cancelling`: lines not yet run are skipped, and the batch becomes `cancelled` once the
   * lines in flight have finished. A batch that has finished already is returned as it is.
   */
  async function cancelBatch(caller: Caller, id: string): Promise<BatchView> {
    await ownedBatch(caller, id);
    const moved = await deps.store.moveBatch({
      batchId: id,
      from: ['validating', 'in_progress'],
      to: 'cancelling',
      at: deps.clock.now(),
    });
    // Every line may have its result already, in which case no line job is left to end the batch.
    if (moved !== null) await deps.settle.settleBatch(id);
    return ownedBatch(caller, id);
  }

  return {
    createBatch,
    getBatch: ownedBatch,
    /** The caller's own project's batches. */
    listBatches: (caller: Caller, query: { after?: string; limit: number }) =>
      listBatches({ projectId: caller.projectId }, query),
    /** For the admin API: every project's batches, or one project's. */
    listAllBatches: (projectId: string | undefined, query: { after?: string; limit: number }) =>
      listBatches(projectId === undefined ? {} : { projectId }, query),
    /** For the admin API: a batch of any project, or of `projectId` only. */
    getBatchIn: batchIn,
    cancelBatch,
  };
}

export type BatchManagement = ReturnType<typeof makeBatchManagement>;
