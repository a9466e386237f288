import type { Kysely, Transaction } from 'kysely';
import type { BatchLineResult, BatchRecord, BatchView, FileLine, FileRecord } from '../../../core/batch.js';
import { SlipwayError } from '../../../core/errors.js';
import type {
  BatchFinish,
  BatchMove,
  BatchResultCounts,
  BatchStore,
  FileWithLines,
  PageQuery,
} from '../../../ports/batch-store.js';
import type { QueuedJob } from '../../../ports/job-queue.js';
import {
  toBatchLineResult,
  toBatchRecord,
  toBatchRow,
  toFileRecord,
  toFileRow,
  toResultRow,
  updateBatchStatus,
} from './batch-rows.js';
import type { Database } from './database.js';
import { splitIntoInsertChunks } from './insert-chunks.js';
import { insertOutboxJobs } from './insert-outbox-jobs.js';
import { encodeJson } from './json-column.js';
import { runTransaction } from './run-transaction.js';
import type { StorageDialect } from './storage-dialect.js';

const FINISHED = ['failed', 'completed', 'expired', 'cancelled'];
const NO_COUNTS: BatchResultCounts = { completed: 0, failed: 0, skipped: 0 };

export class KyselyBatchStore implements BatchStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StorageDialect,
  ) {}

  async insertFile(file: FileRecord, lines: readonly FileLine[]): Promise<void> {
    await runTransaction(this.db, async (transaction) => {
      await this.writeFile(transaction, { file, lines });
      return { result: undefined, commit: true };
    });
  }

  async getFile(id: string): Promise<FileRecord | null> {
    const row = await this.db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toFileRecord(row);
  }

  async listFiles(query: PageQuery & { projectId: string; purpose?: string }): Promise<FileRecord[]> {
    const after = query.after === undefined ? undefined : await this.getFile(query.after);
    if (after === null || (after !== undefined && after.projectId !== query.projectId)) return [];
    let select = this.db.selectFrom('files').selectAll().where('project_id', '=', query.projectId);
    if (query.purpose !== undefined) select = select.where('purpose', '=', query.purpose);
    if (after !== undefined) {
      select = select.where((where) =>
        where.or([
          where('created_at', '<', after.createdAt),
          where.and([where('created_at', '=', after.createdAt), where('id', '<', after.id)]),
        ]),
      );
    }
    const rows = await select
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit)
      .execute();
    return rows.map(toFileRecord);
  }

  async readFileLines(query: { fileId: string; afterLine: number; limit: number }): Promise<FileLine[]> {
    const rows = await this.db
      .selectFrom('file_lines')
      .select(['line_no', 'text'])
      .where('file_id', '=', query.fileId)
      .where('line_no', '>', query.afterLine)
      .orderBy('line_no')
      .limit(query.limit)
      .execute();
    return rows.map((row) => ({ lineNo: row.line_no, text: row.text }));
  }

  async deleteFile(id: string): Promise<boolean> {
    return runTransaction(this.db, async (transaction) => {
      const deleted = await transaction.deleteFrom('files').where('id', '=', id).executeTakeFirst();
      await transaction.deleteFrom('file_lines').where('file_id', '=', id).execute();
      return { result: deleted.numDeletedRows > 0n, commit: true };
    });
  }

  async createBatch(batch: BatchRecord, jobs: readonly QueuedJob[]): Promise<void> {
    await runTransaction(this.db, async (transaction) => {
      try {
        await transaction.insertInto('batches').values(toBatchRow(batch)).execute();
      } catch (error) {
        if (this.dialect.constraintViolationOf(error) === 'unique') {
          throw new SlipwayError('conflict', `A batch with id ${batch.id} exists`, { cause: error });
        }
        throw error;
      }
      await insertOutboxJobs(transaction, jobs, batch.createdAt);
      return { result: undefined, commit: true };
    });
  }

  async getBatch(id: string): Promise<BatchView | null> {
    const row = await this.db.selectFrom('batches').selectAll().where('id', '=', id).executeTakeFirst();
    if (row === undefined) return null;
    const [view] = await this.withCounts([toBatchRecord(row)]);
    return view ?? null;
  }

  async listBatches(query: PageQuery & { projectId?: string }): Promise<BatchView[]> {
    let select = this.db.selectFrom('batches').selectAll();
    if (query.projectId !== undefined) select = select.where('project_id', '=', query.projectId);
    if (query.after !== undefined) {
      const after = await this.db
        .selectFrom('batches')
        .select(['created_at', 'project_id'])
        .where('id', '=', query.after)
        .executeTakeFirst();
      if (after === undefined || (query.projectId !== undefined && after.project_id !== query.projectId)) {
        return [];
      }
      const afterId = query.after;
      select = select.where((where) =>
        where.or([
          where('created_at', '<', after.created_at),
          where.and([where('created_at', '=', after.created_at), where('id', '<', afterId)]),
        ]),
      );
    }
    const rows = await select
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit)
      .execute();
    return this.withCounts(rows.map(toBatchRecord));
  }

  async listExpiredBatches(query: { at: number; limit: number }): Promise<BatchRecord[]> {
    const rows = await this.db
      .selectFrom('batches')
      .selectAll()
      .where('status', 'not in', FINISHED)
      .where('expires_at', '<=', query.at)
      .orderBy('expires_at')
      .limit(query.limit)
      .execute();
    return rows.map(toBatchRecord);
  }

  async moveBatch(move: BatchMove): Promise<BatchView | null> {
    // One statement: its WHERE on the status is the compare, atomic on both dialects.
    const moved = await updateBatchStatus(this.db, move, {});
    return moved ? this.getBatch(move.batchId) : null;
  }

  async finishBatch(finish: BatchFinish): Promise<BatchView | null> {
    const finished = await runTransaction(this.db, async (transaction) => {
      const updated = await updateBatchStatus(transaction, finish, {
        output_file_id: finish.outputFile?.file.id ?? null,
        error_file_id: finish.errorFile?.file.id ?? null,
        ...(finish.errors === undefined ? {} : { errors: encodeJson(finish.errors) ?? '[]' }),
      });
      if (!updated) return { result: false, commit: false };
      if (finish.outputFile !== null) await this.writeFile(transaction, finish.outputFile);
      if (finish.errorFile !== null) await this.writeFile(transaction, finish.errorFile);
      return { result: true, commit: true };
    });
    return finished ? this.getBatch(finish.batchId) : null;
  }

  async recordBatchResults(results: readonly BatchLineResult[]): Promise<number> {
    let inserted = 0;
    const rows = results.map(toResultRow);
    for (const chunk of splitIntoInsertChunks(rows, {
      columns: 8,
      maxParameters: this.dialect.maxParameters,
    })) {
      const result = await this.db
        .insertInto('batch_results')
        .values(chunk)
        .onConflict((conflict) => conflict.columns(['batch_id', 'line_no']).doNothing())
        .executeTakeFirst();
      inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
    }
    return inserted;
  }

  async countBatchResults(batchId: string): Promise<BatchResultCounts> {
    return (await this.countResults([batchId])).get(batchId) ?? { ...NO_COUNTS };
  }

  async hasBatchResult(batchId: string, lineNo: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('batch_results')
      .select('line_no')
      .where('batch_id', '=', batchId)
      .where('line_no', '=', lineNo)
      .executeTakeFirst();
    return row !== undefined;
  }

  async listBatchResults(query: {
    batchId: string;
    afterLine: number;
    limit: number;
  }): Promise<BatchLineResult[]> {
    const rows = await this.db
      .selectFrom('batch_results')
      .selectAll()
      .where('batch_id', '=', query.batchId)
      .where('line_no', '>', query.afterLine)
      .orderBy('line_no')
      .limit(query.limit)
      .execute();
    return rows.map(toBatchLineResult);
  }

  private async writeFile(transaction: Transaction<Database>, { file, lines }: FileWithLines): Promise<void> {
    try {
      await transaction.insertInto('files').values(toFileRow(file)).execute();
    } catch (error) {
      if (this.dialect.constraintViolationOf(error) === 'unique') {
        throw new SlipwayError('conflict', `A file with id ${file.id} exists`, { cause: error });
      }
      throw error;
    }
    const rows = lines.map((line) => ({ file_id: file.id, line_no: line.lineNo, text: line.text }));
    for (const chunk of splitIntoInsertChunks(rows, {
      columns: 3,
      maxParameters: this.dialect.maxParameters,
    })) {
      await transaction.insertInto('file_lines').values(chunk).execute();
    }
  }

  private async withCounts(batches: BatchRecord[]): Promise<BatchView[]> {
    const counts = await this.countResults(batches.map((batch) => batch.id));
    return batches.map((batch) => {
      const count = counts.get(batch.id) ?? NO_COUNTS;
      return {
        ...batch,
        requestCounts: { total: batch.totalLines, completed: count.completed, failed: count.failed },
      };
    });
  }

  private async countResults(batchIds: string[]): Promise<Map<string, BatchResultCounts>> {
    const counts = new Map<string, BatchResultCounts>();
    if (batchIds.length === 0) return counts;
    const rows = await this.db
      .selectFrom('batch_results')
      .select((select) => ['batch_id', 'outcome', select.fn.countAll<number | string>().as('count')])
      .where('batch_id', 'in', batchIds)
      .groupBy(['batch_id', 'outcome'])
      .execute();
    for (const row of rows) {
      const count = counts.get(row.batch_id) ?? { ...NO_COUNTS };
      const outcome = row.outcome as keyof BatchResultCounts;
      count[outcome] = Number(row.count);
      counts.set(row.batch_id, count);
    }
    return counts;
  }
}
