import type { Kysely, Migration } from 'kysely';

/** The W3C trace context of each interaction's span, so that a logged interaction can be found in a tracing tool. */
export function createTraceContextMigration(): Migration {
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      for (const column of ['trace_id', 'span_id', 'parent_span_id']) {
        await db.schema.alterTable('interactions').addColumn(column, 'text').execute();
      }
      await db.schema.alterTable('interactions').addColumn('trace_sampled', 'boolean').execute();
      await db.schema.createIndex('interactions_trace').on('interactions').column('trace_id').execute();
    },
  };
}
