import type { Kysely, Migration } from 'kysely';
import { auditIndexTermsOf } from '../../../../core/audit-index-terms.js';
import { AUDIT_GENESIS_HASH, auditEventHash } from '../audit-chain-hash.js';
import type { AuditEventsTable } from '../database.js';
import { toAuditEvent } from '../audit-event-rows.js';

/**
 * The audit log becomes a hash chain: each event gets a sequence number, the previous event's hash and its own;
 * a one-row table keeps the chain's head (so that cutting off the newest events shows) and is what appends lock.
 * `subject` (the end user an event is about) and `audit_event_documents` make `audit list --user/--doc` indexed.
 * Existing events are chained in the order they were listed in (time, then id).
 */
export function createAuditChainMigration(): Migration {
  return {
    // Migrations see the schema as it was when they were written, not today's Database type.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('audit_events').addColumn('seq', 'bigint').execute();
      await db.schema.alterTable('audit_events').addColumn('prev_hash', 'text').execute();
      await db.schema.alterTable('audit_events').addColumn('hash', 'text').execute();
      await db.schema.alterTable('audit_events').addColumn('subject', 'text').execute();
      await db.schema
        .createTable('audit_chain_head')
        .addColumn('id', 'integer', (column) => column.primaryKey())
        .addColumn('seq', 'bigint', (column) => column.notNull())
        .addColumn('hash', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createTable('audit_event_documents')
        .addColumn('document_id', 'text', (column) => column.notNull())
        .addColumn('event_id', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('audit_event_documents_pk', ['document_id', 'event_id'])
        .execute();

      const rows = (await db
        .selectFrom('audit_events')
        .selectAll()
        .orderBy('at')
        .orderBy('id')
        .execute()) as Array<AuditEventsTable>;
      let previous = AUDIT_GENESIS_HASH;
      let seq = 0;
      for (const row of rows) {
        seq += 1;
        const event = toAuditEvent(row);
        const hash = auditEventHash(previous, seq, event);
        const terms = auditIndexTermsOf(event.detail);
        await db
          .updateTable('audit_events')
          .set({ seq, prev_hash: previous, hash, subject: terms.subject })
          .where('id', '=', row.id)
          .execute();
        for (const document of terms.documents) {
          await db
            .insertInto('audit_event_documents')
            .values({ document_id: document, event_id: row.id })
            .execute();
        }
        previous = hash;
      }
      await db.insertInto('audit_chain_head').values({ id: 1, seq, hash: previous }).execute();

      await db.schema.createIndex('audit_events_seq').on('audit_events').column('seq').unique().execute();
      await db.schema
        .createIndex('audit_events_subject')
        .on('audit_events')
        .columns(['subject', 'at desc', 'id desc'])
        .execute();
      await db.schema
        .createIndex('audit_events_target')
        .on('audit_events')
        .columns(['target', 'at desc', 'id desc'])
        .execute();
    },
  };
}
