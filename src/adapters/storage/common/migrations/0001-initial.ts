import type { Kysely, Migration } from 'kysely';
import type { DialectColumnTypes } from '../dialect-column-types.js';

/** The first schema: identity, the interaction log, and the usage ledger. */
export function createInitialMigration(types: DialectColumnTypes): Migration {
  return {
    // Migrations see the schema as it was when they were written, not today's Database type.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('projects')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text', (column) => column.notNull().unique())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('project_id', 'text', (column) => column.notNull().references('projects.id'))
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('role', 'text', (column) => column.notNull())
        .addColumn('secret_hash', 'text', (column) => column.notNull().unique())
        .addColumn('display_prefix', 'text', (column) => column.notNull())
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .addColumn('allowed_models', types.json)
        .addColumn('limits', types.json, (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('api_keys_project')
        .on('api_keys')
        .columns(['project_id', 'created_at'])
        .execute();

      // No foreign keys to projects or keys: the log is an append-only record that must accept every finished
      // request, and a key check on each row would slow the batched writer.
      await db.schema
        .createTable('interactions')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('endpoint', 'text', (column) => column.notNull())
        .addColumn('project_id', 'text', (column) => column.notNull())
        .addColumn('api_key_id', 'text', (column) => column.notNull())
        .addColumn('end_user', 'text')
        .addColumn('model_requested', 'text', (column) => column.notNull())
        .addColumn('target', 'text')
        .addColumn('variant', 'text')
        .addColumn('prompt_name', 'text')
        .addColumn('prompt_version', 'integer')
        .addColumn('retrieved_documents', types.json, (column) => column.notNull())
        .addColumn('batch_id', 'text')
        .addColumn('stream', 'boolean', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .addColumn('request', types.json)
        .addColumn('response', types.json)
        .addColumn('prompt_tokens', 'integer', (column) => column.notNull())
        .addColumn('completion_tokens', 'integer', (column) => column.notNull())
        .addColumn('total_tokens', 'integer', (column) => column.notNull())
        .addColumn('cost_usd', 'double precision', (column) => column.notNull())
        .addColumn('latency_ms', 'integer', (column) => column.notNull())
        .addColumn('ttft_ms', 'integer')
        .addColumn('started_at', 'bigint', (column) => column.notNull())
        .addColumn('attempt_count', 'integer', (column) => column.notNull())
        .execute();
      // Each listing filter leads an index that then follows the listing order, so a filtered page is a range scan.
      const listingOrder = ['started_at desc', 'id desc'];
      await db.schema
        .createIndex('interactions_started_at')
        .on('interactions')
        .columns(listingOrder)
        .execute();
      for (const [name, column] of [
        ['interactions_project', 'project_id'],
        ['interactions_api_key', 'api_key_id'],
        ['interactions_model', 'model_requested'],
        ['interactions_status', 'status'],
        ['interactions_end_user', 'end_user'],
      ] as const) {
        await db.schema
          .createIndex(name)
          .on('interactions')
          .columns([column, ...listingOrder])
          .execute();
      }

      await db.schema
        .createTable('attempts')
        .addColumn('interaction_id', 'text', (column) =>
          column.notNull().references('interactions.id').onDelete('cascade'),
        )
        .addColumn('attempt_index', 'integer', (column) => column.notNull())
        .addColumn('provider_id', 'text', (column) => column.notNull())
        .addColumn('model', 'text', (column) => column.notNull())
        .addColumn('started_at', 'bigint', (column) => column.notNull())
        .addColumn('latency_ms', 'integer', (column) => column.notNull())
        .addColumn('ttft_ms', 'integer')
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .addColumn('upstream_status', 'integer')
        .addPrimaryKeyConstraint('attempts_pkey', ['interaction_id', 'attempt_index'])
        .execute();

      await db.schema
        .createTable('usage_counters')
        .addColumn('counter', 'text', (column) => column.notNull())
        .addColumn('window_start', 'bigint', (column) => column.notNull())
        .addColumn('window_end', 'bigint', (column) => column.notNull())
        .addColumn('used', 'bigint', (column) => column.notNull())
        .addColumn('limit', 'bigint', (column) => column.notNull())
        .addPrimaryKeyConstraint('usage_counters_pkey', ['counter', 'window_start'])
        .execute();
      await db.schema
        .createIndex('usage_counters_window_end')
        .on('usage_counters')
        .column('window_end')
        .execute();

      await db.schema
        .createTable('reservations')
        .addColumn('reservation_id', 'text', (column) => column.notNull())
        .addColumn('counter', 'text', (column) => column.notNull())
        .addColumn('window_start', 'bigint', (column) => column.notNull())
        .addColumn('window_end', 'bigint', (column) => column.notNull())
        .addColumn('reserved', 'bigint', (column) => column.notNull())
        .addColumn('reserved_at', 'bigint', (column) => column.notNull())
        .addColumn('settled', 'boolean', (column) => column.notNull())
        .addPrimaryKeyConstraint('reservations_pkey', ['reservation_id', 'counter'])
        .execute();
      await db.schema
        .createIndex('reservations_reserved_at')
        .on('reservations')
        .column('reserved_at')
        .execute();
    },
  };
}
