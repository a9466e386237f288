import type { Kysely, Migration } from 'kysely';
import type { DialectColumnTypes } from '../dialect-column-types.js';

/** One row per live worker process, refreshed by its heartbeat (src/ports/worker-registry.ts). */
export function createWorkerHeartbeatsMigration(types: DialectColumnTypes): Migration {
  return {
    // Migrations see the schema as it was when they were written, not today's Database type.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('worker_heartbeats')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('host', 'text', (column) => column.notNull())
        .addColumn('pid', 'integer', (column) => column.notNull())
        .addColumn('started_at', 'bigint', (column) => column.notNull())
        .addColumn('last_seen_at', 'bigint', (column) => column.notNull())
        .addColumn('job_names', types.json, (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('worker_heartbeats_last_seen_at')
        .on('worker_heartbeats')
        .column('last_seen_at')
        .execute();
    },
  };
}
