import type { Kysely, Migration } from 'kysely';

/**
 * One row per target whose circuit breaker has ever changed (src/ports/breaker-store.ts). `version` makes each
 * write a compare-and-swap, so that processes sharing the store never lose each other's updates.
 */
export function createSharedBreakersMigration(): Migration {
  return {
    // Migrations see the schema as it was when they were written, not today's Database type.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema
        .createTable('circuit_breakers')
        .addColumn('target', 'text', (column) => column.primaryKey())
        .addColumn('state', 'text', (column) => column.notNull())
        .addColumn('consecutive_failures', 'integer', (column) => column.notNull())
        .addColumn('opened_at', 'bigint')
        .addColumn('probe_in_flight', 'boolean', (column) => column.notNull())
        .addColumn('changed_at', 'bigint', (column) => column.notNull())
        .addColumn('version', 'integer', (column) => column.notNull())
        .execute();
    },
  };
}
