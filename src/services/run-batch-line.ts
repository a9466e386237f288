import {
  type BatchEndpoint,
  type BatchLineResult,
  type BatchView,
  FINISHED_BATCH_STATUSES,
} from '../core/batch.js';
import { checkBatchLine } from '../core/batch-line.js';
import { SlipwayError } from '../core/errors.js';
import type { Caller } from '../core/identity.js';
import type { ApiKeyStore } from '../ports/api-key-store.js';
import type { BatchStore } from '../ports/batch-store.js';
import type { Clock } from '../ports/clock.js';
import type { Random } from '../ports/random.js';
import type { SettleBatch } from './settle-batch.js';

/** One line's request, to run through the gateway as the key that created the batch. */
interface BatchLineRequest {
  endpoint: BatchEndpoint;
  caller: Caller;
  body: Record<string, unknown>;
  batchId: string;
  signal: AbortSignal;
}

/** What the endpoint answered, as the output line shows it; `retryable` failures are tried again later. */
interface BatchLineResponse {
  statusCode: number;
  requestId: string;
  body: unknown;
  retryable: boolean;
}

/** Runs a line's request through the gateway's use cases; an error becomes an error response, never a throw. */
export type ExecuteBatchLine = (request: BatchLineRequest) => Promise<BatchLineResponse>;

export interface RunBatchLineDeps {
  store: Pick<BatchStore, 'getBatch' | 'hasBatchResult' | 'readFileLines' | 'recordBatchResults'> &
    Pick<ApiKeyStore, 'getApiKey'>;
  execute: ExecuteBatchLine;
  clock: Clock;
  random: Random;
  settle: SettleBatch;
}

/** Which delivery of the job this is, so that the last one stores a retryable failure rather than throw. */
export interface LineAttempt {
  finalAttempt: boolean;
  signal: AbortSignal;
}

/**
 * The `batch.line` job. Idempotent: a line with a result already is not run again, and of two runs that race
 * only the first result is kept (the store's unique key). A line of a batch being cancelled is marked skipped;
 * one of a finished batch (expired, cancelled) is dropped. The line runs as the key that created the batch,
 * tagged with the batch id, so that its interaction shows in the log like any other request. A retryable
 * failure (a rate limit, an unavailable upstream) throws, so that the queue tries the line again after a
 * backoff, except on the last attempt, whose failure is stored.
 * @example await runBatchLine({ batchId, line: 3 }, { finalAttempt: false, signal });
 */
export function makeRunBatchLine(deps: RunBatchLineDeps) {
  async function callerOf(batch: BatchView): Promise<Caller | string> {
    const key = await deps.store.getApiKey(batch.apiKeyId);
    if (key === null || key.revokedAt !== null) return 'The API key that created this batch was revoked.';
    if (key.expiresAt !== null && key.expiresAt <= deps.clock.now()) {
      return 'The API key that created this batch has expired.';
    }
    return {
      keyId: key.id,
      projectId: key.projectId,
      role: key.role,
      allowedModels: key.allowedModels,
      limits: key.limits,
    };
  }

  async function store(result: Omit<BatchLineResult, 'id' | 'at'>): Promise<void> {
    await deps.store.recordBatchResults([
      { ...result, id: deps.random.id('batch_req'), at: deps.clock.now() },
    ]);
    await deps.settle.settleBatch(result.batchId);
  }

  return async function runBatchLine(
    job: { batchId: string; line: number },
    attempt: LineAttempt,
  ): Promise<void> {
    const batch = await deps.store.getBatch(job.batchId);
    if (batch === null || FINISHED_BATCH_STATUSES.has(batch.status)) return;
    const base = { batchId: batch.id, lineNo: job.line };
    if (batch.status === 'cancelling') {
      await store({ ...base, customId: null, outcome: 'skipped', response: null, error: null });
      return;
    }
    if (await deps.store.hasBatchResult(batch.id, job.line)) {
      // A delivery that stored its result but died before settling leaves the batch to this one.
      await deps.settle.settleBatch(batch.id);
      return;
    }
    const [line] = await deps.store.readFileLines({
      fileId: batch.inputFileId,
      afterLine: job.line - 1,
      limit: 1,
    });
    const check =
      line?.lineNo === job.line
        ? checkBatchLine(line.text, batch.endpoint, new Set())
        : ({
            ok: false,
            customId: null,
            code: 'file_not_found',
            message: 'The input file was deleted.',
          } as const);
    if (!check.ok) {
      await store({
        ...base,
        customId: check.customId,
        outcome: 'failed',
        response: null,
        error: { code: check.code, message: check.message },
      });
      return;
    }
    const caller = await callerOf(batch);
    if (typeof caller === 'string') {
      await store({
        ...base,
        customId: check.customId,
        outcome: 'failed',
        response: null,
        error: { code: 'unauthorized', message: caller },
      });
      return;
    }
    const response = await deps.execute({
      endpoint: batch.endpoint,
      caller,
      body: check.body,
      batchId: batch.id,
      signal: attempt.signal,
    });
    if (response.retryable && !attempt.finalAttempt) {
      throw new SlipwayError(
        'upstream_unavailable',
        `Line ${job.line} of ${batch.id} got HTTP ${response.statusCode}; it will be tried again.`,
        { retryable: true },
      );
    }
    await store({
      ...base,
      customId: check.customId,
      outcome: response.statusCode < 400 ? 'completed' : 'failed',
      response: { statusCode: response.statusCode, requestId: response.requestId, body: response.body },
      error: null,
    });
  };
}
