import { type BatchLineResult, type BatchRecord, FINISHED_BATCH_STATUSES } from '../core/batch.js';
import { checkBatchLine } from '../core/batch-line.js';
import type { BatchStore } from '../ports/batch-store.js';
import type { Clock } from '../ports/clock.js';
import type { JobQueue, QueuedJob } from '../ports/job-queue.js';
import type { Random } from '../ports/random.js';
import type { SettleBatch } from './settle-batch.js';

export interface PlanBatchDeps {
  store: Pick<BatchStore, 'getBatch' | 'getFile' | 'readFileLines' | 'recordBatchResults' | 'moveBatch'>;
  queue: Pick<JobQueue, 'enqueue'>;
  clock: Clock;
  random: Random;
  settle: SettleBatch;
}

const LINES_PER_READ = 500;

/** The job of one line: its id makes a second enqueue of the same line (a planner run twice) a no-op. */
function batchLineJob(batchId: string, line: number): QueuedJob {
  return { id: `batch-line:${batchId}:${line}`, name: 'batch.line', payload: { batchId, line } };
}

/**
 * The `batch.plan` job: checks every line of the batch's input file, stores a failed result for each bad line
 * (so that it lands in the error file while the others run), enqueues one `batch.line` job per good line and
 * moves the batch to `in_progress`. Run twice, it does the same again: results keep their first version and the
 * queue stores a job id once. A batch cancelled before it was planned has every line marked skipped instead.
 * @example await makePlanBatch(deps)('batch_…');
 */
export function makePlanBatch(deps: PlanBatchDeps) {
  async function forEachLinePage(
    batch: BatchRecord,
    visit: (lines: Array<{ lineNo: number; text: string }>) => Promise<void>,
  ): Promise<void> {
    let afterLine = 0;
    for (;;) {
      const lines = await deps.store.readFileLines({
        fileId: batch.inputFileId,
        afterLine,
        limit: LINES_PER_READ,
      });
      if (lines.length === 0) return;
      await visit(lines);
      afterLine = lines.at(-1)?.lineNo ?? afterLine;
    }
  }

  const resultOf = (batch: BatchRecord, lineNo: number) => ({
    batchId: batch.id,
    lineNo,
    id: deps.random.id('batch_req'),
    at: deps.clock.now(),
  });

  async function skipAll(batch: BatchRecord): Promise<void> {
    await forEachLinePage(batch, async (lines) => {
      await deps.store.recordBatchResults(
        lines.map((line): BatchLineResult => ({
          ...resultOf(batch, line.lineNo),
          customId: null,
          outcome: 'skipped',
          response: null,
          error: null,
        })),
      );
    });
  }

  return async function planBatch(batchId: string): Promise<void> {
    const batch = await deps.store.getBatch(batchId);
    if (batch === null || FINISHED_BATCH_STATUSES.has(batch.status)) return;
    if ((await deps.store.getFile(batch.inputFileId)) === null) {
      await deps.settle.finishBatch(batch, 'failed', [
        { code: 'file_not_found', message: `The input file ${batch.inputFileId} was deleted.`, line: null },
      ]);
      return;
    }
    if (batch.status === 'cancelling') {
      await skipAll(batch);
      await deps.settle.settleBatch(batchId);
      return;
    }
    const seen = new Set<string>();
    await forEachLinePage(batch, async (lines) => {
      const failures: BatchLineResult[] = [];
      const jobs: QueuedJob[] = [];
      for (const line of lines) {
        const check = checkBatchLine(line.text, batch.endpoint, seen);
        if (check.ok) jobs.push(batchLineJob(batch.id, line.lineNo));
        else {
          failures.push({
            ...resultOf(batch, line.lineNo),
            customId: check.customId,
            outcome: 'failed',
            response: null,
            error: { code: check.code, message: `Line ${line.lineNo}: ${check.message}` },
          });
        }
      }
      if (failures.length > 0) await deps.store.recordBatchResults(failures);
      if (jobs.length > 0) await deps.queue.enqueue(jobs);
    });
    await deps.store.moveBatch({
      batchId,
      from: ['validating'],
      to: 'in_progress',
      at: deps.clock.now(),
    });
    // A file of bad lines only has nothing left to run: it ends here.
    await deps.settle.settleBatch(batchId);
  };
}
