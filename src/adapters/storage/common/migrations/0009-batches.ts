import type { Kysely, Migration } from 'kysely';
import type { DialectColumnTypes } from '../dialect-column-types.js';

/**
 * Files and batches of the OpenAI Batch API. A file's content is kept line by line (`file_lines`), so that a
 * batch's planner and its line jobs read one line at a time and output files are written as results arrive in
 * order. `batch_results` has one row per (batch, line): its primary key is what makes a line job that is
 * delivered twice store one result.
 */
export function createBatchesMigration(types: DialectColumnTypes): Migration {
  return {
    // Migrations see the schema as it was when they were written, not today's Database type.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('files')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('project_id', 'text', (column) => column.notNull())
        .addColumn('api_key_id', 'text')
        .addColumn('purpose', 'text', (column) => column.notNull())
        .addColumn('filename', 'text', (column) => column.notNull())
        .addColumn('bytes', 'bigint', (column) => column.notNull())
        .addColumn('line_count', 'integer', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('expires_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('files_project_created')
        .on('files')
        .columns(['project_id', 'created_at desc', 'id desc'])
        .execute();

      await db.schema
        .createTable('file_lines')
        .addColumn('file_id', 'text', (column) => column.notNull())
        .addColumn('line_no', 'integer', (column) => column.notNull())
        .addColumn('text', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('file_lines_pk', ['file_id', 'line_no'])
        .execute();

      // No foreign key to the input file: deleting a file a finished batch read must not delete the batch.
      await db.schema
        .createTable('batches')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('project_id', 'text', (column) => column.notNull())
        .addColumn('api_key_id', 'text', (column) => column.notNull())
        .addColumn('endpoint', 'text', (column) => column.notNull())
        .addColumn('input_file_id', 'text', (column) => column.notNull())
        .addColumn('completion_window', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('total_lines', 'integer', (column) => column.notNull())
        .addColumn('output_file_id', 'text')
        .addColumn('error_file_id', 'text')
        .addColumn('metadata', types.json)
        .addColumn('errors', types.json, (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('expires_at', 'bigint', (column) => column.notNull())
        .addColumn('in_progress_at', 'bigint')
        .addColumn('finalizing_at', 'bigint')
        .addColumn('completed_at', 'bigint')
        .addColumn('failed_at', 'bigint')
        .addColumn('expired_at', 'bigint')
        .addColumn('cancelling_at', 'bigint')
        .addColumn('cancelled_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('batches_project_created')
        .on('batches')
        .columns(['project_id', 'created_at desc', 'id desc'])
        .execute();
      await db.schema
        .createIndex('batches_created')
        .on('batches')
        .columns(['created_at desc', 'id desc'])
        .execute();
      await db.schema
        .createIndex('batches_status_expires')
        .on('batches')
        .columns(['status', 'expires_at'])
        .execute();

      await db.schema
        .createTable('batch_results')
        .addColumn('batch_id', 'text', (column) => column.notNull())
        .addColumn('line_no', 'integer', (column) => column.notNull())
        .addColumn('id', 'text', (column) => column.notNull())
        .addColumn('custom_id', 'text')
        .addColumn('outcome', 'text', (column) => column.notNull())
        .addColumn('response', types.json)
        .addColumn('error', types.json)
        .addColumn('at', 'bigint', (column) => column.notNull())
        .addPrimaryKeyConstraint('batch_results_pk', ['batch_id', 'line_no'])
        .execute();
    },
  };
}
