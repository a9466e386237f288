import {
  type BatchLineResult,
  type BatchRecord,
  type BatchStatus,
  type BatchView,
  FINISHED_BATCH_STATUSES,
  batchOutputLine,
} from '../core/batch.js';
import type { BatchFinish, BatchStore, FileWithLines } from '../ports/batch-store.js';
import type { Clock } from '../ports/clock.js';
import type { Random } from '../ports/random.js';
import { newFileId } from './batch-ids.js';

export interface SettleBatchDeps {
  store: Pick<BatchStore, 'getBatch' | 'countBatchResults' | 'listBatchResults' | 'finishBatch'>;
  clock: Clock;
  random: Random;
}

const RESULTS_PER_READ = 1_000;
const UNFINISHED: BatchStatus[] = ['validating', 'in_progress', 'finalizing', 'cancelling'];

/**
 * Ends batches. `settleBatch` finishes a batch once every line has a result (`completed`, or `cancelled` when it
 * was being cancelled); every line job calls it after storing its result, and the one that stores the last
 * result wins (the others' compare-and-move finds the batch finished). `finishBatch` ends a batch now, with the
 * results so far, as expiry does. Both write the output file (successes) and the error file (failures) in
 * input-line order, in the same transaction as the final status.
 * @example const { settleBatch } = makeSettleBatch({ store, clock, random }); await settleBatch('batch_…');
 */
export function makeSettleBatch(deps: SettleBatchDeps) {
  async function readResults(batchId: string): Promise<BatchLineResult[]> {
    const results: BatchLineResult[] = [];
    let afterLine = 0;
    for (;;) {
      const page = await deps.store.listBatchResults({ batchId, afterLine, limit: RESULTS_PER_READ });
      results.push(...page);
      const last = page.at(-1);
      if (last === undefined || page.length < RESULTS_PER_READ) return results;
      afterLine = last.lineNo;
    }
  }

  function fileOf(batch: BatchRecord, results: BatchLineResult[], at: number): FileWithLines | null {
    if (results.length === 0) return null;
    const lines = results.map((result, index) => ({ lineNo: index + 1, text: batchOutputLine(result) }));
    return {
      file: {
        id: newFileId(deps.random),
        projectId: batch.projectId,
        apiKeyId: null,
        purpose: 'batch_output',
        filename: `${batch.id}_${results[0]?.outcome === 'completed' ? 'output' : 'error'}.jsonl`,
        bytes: lines.reduce((sum, line) => sum + Buffer.byteLength(line.text) + 1, 0),
        lineCount: lines.length,
        createdAt: at,
        expiresAt: null,
      },
      lines,
    };
  }

  async function finishBatch(
    batch: BatchRecord,
    to: BatchFinish['to'],
    errors?: BatchFinish['errors'],
  ): Promise<BatchView | null> {
    const at = deps.clock.now();
    const results = await readResults(batch.id);
    return deps.store.finishBatch({
      batchId: batch.id,
      from: UNFINISHED,
      to,
      at,
      outputFile: fileOf(
        batch,
        results.filter((result) => result.outcome === 'completed'),
        at,
      ),
      errorFile: fileOf(
        batch,
        results.filter((result) => result.outcome === 'failed'),
        at,
      ),
      ...(errors === undefined ? {} : { errors }),
    });
  }

  async function settleBatch(batchId: string): Promise<void> {
    const batch = await deps.store.getBatch(batchId);
    if (batch === null || FINISHED_BATCH_STATUSES.has(batch.status)) return;
    const counts = await deps.store.countBatchResults(batchId);
    if (counts.completed + counts.failed + counts.skipped < batch.totalLines) return;
    await finishBatch(batch, batch.status === 'cancelling' ? 'cancelled' : 'completed');
  }

  return { settleBatch, finishBatch };
}

export type SettleBatch = ReturnType<typeof makeSettleBatch>;
