import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aProject, anApiKey, T0 } from '../../test/contract/store-fixtures.js';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import { SeededRandom } from '../../test/doubles/seeded-random.js';
import { openSqliteStore } from '../adapters/storage/sqlite/index.js';
import type { QueuedJob } from '../ports/job-queue.js';
import type { Store } from '../ports/store.js';
import { makeBatchExpirySweep } from './batch-expiry-sweep.js';
import { makeBatchManagement } from './manage-batches.js';
import { makeFileManagement } from './manage-files.js';
import { makePlanBatch } from './plan-batch.js';
import { type ExecuteBatchLine, makeRunBatchLine } from './run-batch-line.js';
import { makeSettleBatch } from './settle-batch.js';

const caller = { keyId: 'key_1', projectId: 'prj_1', role: 'app' as const, allowedModels: null, limits: {} };

const line = (customId: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    custom_id: customId,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'm', messages: [] },
    ...fields,
  });

/** The batch use cases on a real (in-memory) store, a queue that records, and an endpoint that answers at once. */
describe('a batch from creation to its end', () => {
  let store: Store;
  let clock: ManualClock;
  let enqueued: QueuedJob[];
  let executed: string[];
  let answer: Awaited<ReturnType<ExecuteBatchLine>>;

  beforeEach(async () => {
    store = await openSqliteStore({ path: ':memory:' });
    await store.createProject(aProject());
    await store.insertApiKey(anApiKey());
    clock = new ManualClock(T0);
    enqueued = [];
    executed = [];
    answer = { statusCode: 200, requestId: 'int_1', body: { ok: true }, retryable: false };
  });

  afterEach(() => store.close());

  function services() {
    const random = new SeededRandom();
    const settle = makeSettleBatch({ store, clock, random });
    return {
      files: makeFileManagement({
        store,
        clock,
        random,
        limits: { maxFileBytes: 10_000, maxFileLines: 100 },
      }),
      batches: makeBatchManagement({ store, clock, random, settle }),
      plan: makePlanBatch({
        store,
        clock,
        random,
        settle,
        queue: {
          enqueue: (jobs) => {
            enqueued.push(...jobs);
            return Promise.resolve();
          },
        },
      }),
      run: makeRunBatchLine({
        store,
        clock,
        random,
        settle,
        execute: (request) => {
          executed.push(JSON.stringify(request.body));
          return Promise.resolve(answer);
        },
      }),
      sweep: makeBatchExpirySweep({ store, clock, settle, intervalMs: 1_000, logError: () => undefined }),
    };
  }

  async function createBatch(lines: string[]) {
    const { files, batches } = services();
    const file = await files.uploadFile({
      caller,
      filename: 'in.jsonl',
      purpose: 'batch',
      content: new TextEncoder().encode(lines.join('\n')),
    });
    return batches.createBatch(caller, {
      inputFileId: file.id,
      endpoint: '/v1/chat/completions',
      completionWindow: '24h',
      metadata: null,
    });
  }

  const signal = new AbortController().signal;

  it('plans once in effect: bad lines fail at once, good lines are enqueued by stable ids', async () => {
    const batch = await createBatch([line('a'), line('b', { method: 'GET' }), line('a'), line('c')]);
    const { plan } = services();
    await plan(batch.id);
    await plan(batch.id);
    expect(new Set(enqueued.map((job) => job.id))).toEqual(
      new Set([`batch-line:${batch.id}:1`, `batch-line:${batch.id}:4`]),
    );
    await expect(store.getBatch(batch.id)).resolves.toMatchObject({
      status: 'in_progress',
      requestCounts: { total: 4, completed: 0, failed: 2 },
    });
  });

  it('runs each line once however often it is delivered, then completes with both files', async () => {
    const batch = await createBatch([line('a'), line('b', { url: '/v1/embeddings' })]);
    const { plan, run } = services();
    await plan(batch.id);
    await run({ batchId: batch.id, line: 1 }, { finalAttempt: false, signal });
    await run({ batchId: batch.id, line: 1 }, { finalAttempt: false, signal });
    expect(executed).toHaveLength(1);
    const done = await store.getBatch(batch.id);
    expect(done).toMatchObject({ status: 'completed', requestCounts: { total: 2, completed: 1, failed: 1 } });
    const output = await store.readFileLines({ fileId: done?.outputFileId ?? '', afterLine: 0, limit: 10 });
    expect(output.map((entry) => JSON.parse(entry.text) as unknown)).toEqual([
      {
        id: expect.any(String),
        custom_id: 'a',
        response: { status_code: 200, request_id: 'int_1', body: { ok: true } },
        error: null,
      },
    ]);
  });

  it('throws a retryable failure for another delivery, and stores it on the last', async () => {
    const batch = await createBatch([line('a')]);
    const { plan, run } = services();
    await plan(batch.id);
    answer = { statusCode: 429, requestId: 'req_1', body: { error: {} }, retryable: true };
    await expect(run({ batchId: batch.id, line: 1 }, { finalAttempt: false, signal })).rejects.toMatchObject({
      retryable: true,
    });
    await expect(store.hasBatchResult(batch.id, 1)).resolves.toBe(false);
    await run({ batchId: batch.id, line: 1 }, { finalAttempt: true, signal });
    await expect(store.getBatch(batch.id)).resolves.toMatchObject({
      status: 'completed',
      requestCounts: { completed: 0, failed: 1 },
    });
  });

  it('fails the lines of a batch whose key was revoked since', async () => {
    const batch = await createBatch([line('a')]);
    const { plan, run } = services();
    await plan(batch.id);
    await store.revokeApiKey('key_1', T0);
    await run({ batchId: batch.id, line: 1 }, { finalAttempt: false, signal });
    expect(executed).toEqual([]);
    const [result] = await store.listBatchResults({ batchId: batch.id, afterLine: 0, limit: 1 });
    expect(result).toMatchObject({ outcome: 'failed', error: { code: 'unauthorized' } });
  });

  it('cancels a batch not yet planned: every line is skipped and it ends cancelled', async () => {
    const batch = await createBatch([line('a'), line('b')]);
    const { batches, plan } = services();
    await expect(batches.cancelBatch(caller, batch.id)).resolves.toMatchObject({ status: 'cancelling' });
    await plan(batch.id);
    expect(enqueued).toEqual([]);
    await expect(store.getBatch(batch.id)).resolves.toMatchObject({
      status: 'cancelled',
      outputFileId: null,
      requestCounts: { total: 2, completed: 0, failed: 0 },
    });
  });

  it('expires a batch at the end of its window with the results it has; later lines do nothing', async () => {
    const batch = await createBatch([line('a'), line('b')]);
    const { plan, run, sweep } = services();
    await plan(batch.id);
    await run({ batchId: batch.id, line: 1 }, { finalAttempt: false, signal });
    clock.set(batch.expiresAt - 1);
    await expect(sweep.sweepOnce()).resolves.toBe(0);
    clock.set(batch.expiresAt);
    await expect(sweep.sweepOnce()).resolves.toBe(1);
    await run({ batchId: batch.id, line: 2 }, { finalAttempt: false, signal });
    expect(executed).toHaveLength(1);
    await expect(store.getBatch(batch.id)).resolves.toMatchObject({
      status: 'expired',
      expiredAt: batch.expiresAt,
      outputFileId: expect.any(String),
      requestCounts: { total: 2, completed: 1, failed: 0 },
    });
  });
});
