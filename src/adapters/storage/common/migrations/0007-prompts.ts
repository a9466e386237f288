import type { Kysely, Migration } from 'kysely';
import type { DialectColumnTypes } from '../dialect-column-types.js';

/** Prompts as code: immutable versions, movable labels, the history of every move, and test runs. */
export function createPromptsMigration(types: DialectColumnTypes): Migration {
  return {
    // Migrations see the schema as it was when they were written, not today's Database type.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      // The primary key makes two concurrent pushes of one name unable to both take the next number; the unique
      // content hash makes the same content one version however many times it is pushed.
      await db.schema
        .createTable('prompt_versions')
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('version', 'integer', (column) => column.notNull())
        .addColumn('content_hash', 'text', (column) => column.notNull())
        .addColumn('definition', types.json, (column) => column.notNull())
        .addColumn('source_path', 'text', (column) => column.notNull())
        .addColumn('git_commit', 'text')
        .addColumn('git_author', 'text')
        .addColumn('git_message', 'text')
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('created_by', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('prompt_versions_pkey', ['name', 'version'])
        .addUniqueConstraint('prompt_versions_content', ['name', 'content_hash'])
        .execute();

      await db.schema
        .createTable('prompt_labels')
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('label', 'text', (column) => column.notNull())
        .addColumn('version', 'integer', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .addPrimaryKeyConstraint('prompt_labels_pkey', ['name', 'label'])
        .addForeignKeyConstraint('prompt_labels_version', ['name', 'version'], 'prompt_versions', [
          'name',
          'version',
        ])
        .execute();

      // No foreign key on the versions: like the audit log, the history is kept as it happened.
      await db.schema
        .createTable('prompt_label_moves')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('label', 'text', (column) => column.notNull())
        .addColumn('from_version', 'integer')
        .addColumn('to_version', 'integer', (column) => column.notNull())
        .addColumn('at', 'bigint', (column) => column.notNull())
        .addColumn('actor', 'text', (column) => column.notNull())
        .addColumn('reason', 'text')
        .addColumn('test_run_id', 'text')
        .addColumn('override', 'boolean', (column) => column.notNull())
        .addColumn('kind', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('prompt_label_moves_name')
        .on('prompt_label_moves')
        .columns(['name', 'label', 'at desc', 'id desc'])
        .execute();

      await db.schema
        .createTable('prompt_test_runs')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('version', 'integer', (column) => column.notNull())
        .addColumn('model', 'text', (column) => column.notNull())
        .addColumn('started_at', 'bigint', (column) => column.notNull())
        .addColumn('finished_at', 'bigint', (column) => column.notNull())
        .addColumn('passed', 'boolean', (column) => column.notNull())
        .addColumn('actor', 'text', (column) => column.notNull())
        .addColumn('cases', types.json, (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('prompt_test_runs_name')
        .on('prompt_test_runs')
        .columns(['name', 'version', 'started_at desc', 'id desc'])
        .execute();
    },
  };
}
