import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BatchLineResult, BatchRecord, FileRecord } from '../../src/core/batch.js';
import type { Store } from '../../src/ports/store.js';
import { T0 } from './store-fixtures.js';

const aFile = (overrides: Partial<FileRecord> = {}): FileRecord => ({
  id: 'file-1',
  projectId: 'prj_1',
  apiKeyId: 'key_1',
  purpose: 'batch',
  filename: 'requests.jsonl',
  bytes: 42,
  lineCount: 2,
  createdAt: T0,
  expiresAt: null,
  ...overrides,
});

const aBatch = (overrides: Partial<BatchRecord> = {}): BatchRecord => ({
  id: 'batch_1',
  projectId: 'prj_1',
  apiKeyId: 'key_1',
  endpoint: '/v1/chat/completions',
  inputFileId: 'file-1',
  completionWindow: '24h',
  status: 'validating',
  totalLines: 3,
  outputFileId: null,
  errorFileId: null,
  metadata: { team: 'search' },
  errors: [],
  createdAt: T0,
  expiresAt: T0 + 86_400_000,
  inProgressAt: null,
  finalizingAt: null,
  completedAt: null,
  failedAt: null,
  expiredAt: null,
  cancellingAt: null,
  cancelledAt: null,
  ...overrides,
});

const aResult = (overrides: Partial<BatchLineResult> = {}): BatchLineResult => ({
  batchId: 'batch_1',
  lineNo: 1,
  id: 'batch_req_1',
  customId: 'req-1',
  outcome: 'completed',
  response: { statusCode: 200, requestId: 'int_1', body: { choices: [{ index: 0 }] } },
  error: null,
  at: T0 + 10,
  ...overrides,
});

const planJob = (batchId: string) => ({
  id: `batch-plan:${batchId}`,
  name: 'batch.plan',
  payload: { batchId },
});

/**
 * The BatchStore contract (src/ports/batch-store.ts), run against every storage adapter. `open` must return a
 * fresh, empty, migrated store each time.
 */
export function describeBatchStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`${name}: batch store`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
    });

    describe('files', () => {
      it('stores a file with its lines and reads the lines back in pages', async () => {
        const lines = Array.from({ length: 300 }, (_, index) => ({
          lineNo: index * 2 + 1,
          text: `{"n":${index},"text":"ünïcode \\u0000"}`,
        }));
        await store.insertFile(aFile({ lineCount: lines.length }), lines);
        await expect(store.getFile('file-1')).resolves.toEqual(aFile({ lineCount: lines.length }));
        const first = await store.readFileLines({ fileId: 'file-1', afterLine: 0, limit: 100 });
        expect(first).toEqual(lines.slice(0, 100));
        const rest = await store.readFileLines({ fileId: 'file-1', afterLine: 199, limit: 1000 });
        expect(rest).toEqual(lines.slice(100));
        await expect(store.getFile('file-none')).resolves.toBeNull();
      });

      it('refuses a second file with the same id', async () => {
        await store.insertFile(aFile(), [{ lineNo: 1, text: '{}' }]);
        await expect(store.insertFile(aFile(), [])).rejects.toMatchObject({ code: 'conflict' });
      });

      it("lists a project's files newest first, by purpose, paging after an id", async () => {
        for (let index = 1; index <= 5; index++) {
          await store.insertFile(
            aFile({
              id: `file-${index}`,
              createdAt: T0 + (index % 3),
              purpose: index === 5 ? 'batch_output' : 'batch',
            }),
            [],
          );
        }
        await store.insertFile(aFile({ id: 'file-other', projectId: 'prj_2', createdAt: T0 + 9 }), []);
        const ids = (files: FileRecord[]) => files.map((file) => file.id);
        const all = await store.listFiles({ projectId: 'prj_1', limit: 10 });
        expect(ids(all)).toEqual(['file-5', 'file-2', 'file-4', 'file-1', 'file-3']);
        const page = await store.listFiles({ projectId: 'prj_1', limit: 2, after: 'file-2' });
        expect(ids(page)).toEqual(['file-4', 'file-1']);
        expect(
          ids(await store.listFiles({ projectId: 'prj_1', limit: 10, purpose: 'batch_output' })),
        ).toEqual(['file-5']);
        await expect(
          store.listFiles({ projectId: 'prj_1', limit: 10, after: 'file-other' }),
        ).resolves.toEqual([]);
        await expect(store.listFiles({ projectId: 'prj_1', limit: 10, after: 'file-none' })).resolves.toEqual(
          [],
        );
      });

      it('deletes a file and its lines', async () => {
        await store.insertFile(aFile(), [{ lineNo: 1, text: '{}' }]);
        await expect(store.deleteFile('file-1')).resolves.toBe(true);
        await expect(store.getFile('file-1')).resolves.toBeNull();
        await expect(store.readFileLines({ fileId: 'file-1', afterLine: 0, limit: 10 })).resolves.toEqual([]);
        await expect(store.deleteFile('file-1')).resolves.toBe(false);
      });
    });

    describe('batches', () => {
      it('creates a batch and reads it back with zero counts', async () => {
        await store.createBatch(aBatch(), [planJob('batch_1')]);
        await expect(store.getBatch('batch_1')).resolves.toEqual({
          ...aBatch(),
          requestCounts: { total: 3, completed: 0, failed: 0 },
        });
        await expect(store.getBatch('batch_none')).resolves.toBeNull();
        await expect(store.createBatch(aBatch(), [])).rejects.toMatchObject({ code: 'conflict' });
      });

      it("writes the batch's planning job to the outbox with it, and neither when the batch is refused", async () => {
        await store.createBatch(aBatch(), [planJob('batch_1')]);
        await expect(store.createBatch(aBatch(), [planJob('batch_again')])).rejects.toMatchObject({
          code: 'conflict',
        });
        const outbox = await store.claimUnpublished(10);
        expect(outbox.map((job) => [job.id, job.name, job.payload])).toEqual([
          ['batch-plan:batch_1', 'batch.plan', { batchId: 'batch_1' }],
        ]);
      });

      it('lists batches newest first, of one project or all, paging after an id', async () => {
        await store.createBatch(aBatch({ id: 'batch_a', createdAt: T0 }), []);
        await store.createBatch(aBatch({ id: 'batch_b', createdAt: T0 + 1 }), []);
        await store.createBatch(aBatch({ id: 'batch_c', createdAt: T0 + 2, projectId: 'prj_2' }), []);
        const ids = async (query: Parameters<Store['listBatches']>[0]) =>
          (await store.listBatches(query)).map((batch) => batch.id);
        await expect(ids({ limit: 10 })).resolves.toEqual(['batch_c', 'batch_b', 'batch_a']);
        await expect(ids({ limit: 10, projectId: 'prj_1' })).resolves.toEqual(['batch_b', 'batch_a']);
        await expect(ids({ limit: 1, after: 'batch_c' })).resolves.toEqual(['batch_b']);
        await expect(ids({ limit: 10, projectId: 'prj_1', after: 'batch_c' })).resolves.toEqual([]);
      });

      it('moves a batch only from the statuses named, stamping the time of the new status', async () => {
        await store.createBatch(aBatch(), []);
        const move = {
          batchId: 'batch_1',
          from: ['validating'] as const,
          to: 'in_progress' as const,
          at: T0 + 5,
        };
        await expect(store.moveBatch(move)).resolves.toMatchObject({
          status: 'in_progress',
          inProgressAt: T0 + 5,
        });
        await expect(store.moveBatch(move)).resolves.toBeNull();
        await expect(store.moveBatch({ ...move, batchId: 'batch_none' })).resolves.toBeNull();
        await expect(
          store.moveBatch({ batchId: 'batch_1', from: ['in_progress'], to: 'cancelling', at: T0 + 6 }),
        ).resolves.toMatchObject({ status: 'cancelling', cancellingAt: T0 + 6, inProgressAt: T0 + 5 });
      });

      it('finishes a batch once, writing its output and error files in the same step', async () => {
        await store.createBatch(aBatch({ status: 'in_progress' }), []);
        const finish = {
          batchId: 'batch_1',
          from: ['in_progress'] as const,
          to: 'completed' as const,
          at: T0 + 100,
          outputFile: {
            file: aFile({ id: 'file-out', purpose: 'batch_output', apiKeyId: null, lineCount: 1 }),
            lines: [{ lineNo: 1, text: '{"custom_id":"req-1"}' }],
          },
          errorFile: null,
          errors: [{ code: 'note', message: 'kept', line: null }],
        };
        await expect(store.finishBatch(finish)).resolves.toMatchObject({
          status: 'completed',
          completedAt: T0 + 100,
          outputFileId: 'file-out',
          errorFileId: null,
          errors: [{ code: 'note', message: 'kept', line: null }],
        });
        await expect(store.readFileLines({ fileId: 'file-out', afterLine: 0, limit: 10 })).resolves.toEqual(
          finish.outputFile.lines,
        );
        // A second finisher (another line job, the expiry sweep) loses, and writes no file.
        await expect(
          store.finishBatch({
            ...finish,
            to: 'expired',
            outputFile: { ...finish.outputFile, file: aFile({ id: 'file-late' }) },
          }),
        ).resolves.toBeNull();
        await expect(store.getFile('file-late')).resolves.toBeNull();
      });

      it('lists unfinished batches past their expiry', async () => {
        await store.createBatch(aBatch({ id: 'batch_due', expiresAt: T0 + 10, status: 'in_progress' }), []);
        await store.createBatch(aBatch({ id: 'batch_later', expiresAt: T0 + 1000 }), []);
        await store.createBatch(aBatch({ id: 'batch_done', expiresAt: T0 + 10, status: 'completed' }), []);
        const due = await store.listExpiredBatches({ at: T0 + 10, limit: 10 });
        expect(due.map((batch) => batch.id)).toEqual(['batch_due']);
      });
    });

    describe('line results', () => {
      it('keeps the first result of a line and counts results by outcome', async () => {
        await store.createBatch(aBatch(), []);
        await expect(
          store.recordBatchResults([
            aResult(),
            aResult({
              lineNo: 2,
              id: 'batch_req_2',
              outcome: 'failed',
              response: null,
              error: { code: 'invalid_url', message: 'bad' },
            }),
          ]),
        ).resolves.toBe(2);
        await expect(
          store.recordBatchResults([
            aResult({ id: 'batch_req_again', outcome: 'failed' }),
            aResult({ lineNo: 3, outcome: 'skipped', response: null }),
          ]),
        ).resolves.toBe(1);
        await expect(store.listBatchResults({ batchId: 'batch_1', afterLine: 0, limit: 1 })).resolves.toEqual(
          [aResult()],
        );
        await expect(store.hasBatchResult('batch_1', 1)).resolves.toBe(true);
        await expect(store.hasBatchResult('batch_1', 4)).resolves.toBe(false);
        await expect(store.countBatchResults('batch_1')).resolves.toEqual({
          completed: 1,
          failed: 1,
          skipped: 1,
        });
        await expect(store.getBatch('batch_1')).resolves.toMatchObject({
          requestCounts: { total: 3, completed: 1, failed: 1 },
        });
        await expect(store.countBatchResults('batch_none')).resolves.toEqual({
          completed: 0,
          failed: 0,
          skipped: 0,
        });
      });

      it('stores one result per line when the same line is recorded concurrently', async () => {
        await store.createBatch(aBatch(), []);
        const inserted = await Promise.all(
          Array.from({ length: 8 }, (_, index) =>
            store.recordBatchResults([aResult({ id: `batch_req_${index}` })]),
          ),
        );
        expect(inserted.reduce((sum, count) => sum + count, 0)).toBe(1);
        await expect(store.countBatchResults('batch_1')).resolves.toEqual({
          completed: 1,
          failed: 0,
          skipped: 0,
        });
      });
    });
  });
}
