import type { Kysely, Transaction } from 'kysely';
import { auditIndexTermsOf } from '../../../core/audit-index-terms.js';
import { SlipwayError } from '../../../core/errors.js';
import type { AuditChainReport, AuditEvent, AuditLog, AuditQuery } from '../../../ports/audit-log.js';
import { verifyAuditRows } from './audit-chain-verification.js';
import { AUDIT_GENESIS_HASH, auditEventHash } from './audit-chain-hash.js';
import { toAuditEvent } from './audit-event-rows.js';
import type { Database } from './database.js';
import { encodeJson } from './json-column.js';
import { runTransaction } from './run-transaction.js';
import type { StorageDialect } from './storage-dialect.js';

interface AuditCursor {
  at: number;
  id: string;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const CURSOR_TEXT = /^(0|[1-9][0-9]*):(.+)$/s;
/** Events read per query while verifying: bounded memory whatever the log's length. */
const VERIFY_PAGE = 1_000;

const encodeCursor = (cursor: AuditCursor): string =>
  Buffer.from(`${cursor.at}:${cursor.id}`, 'utf8').toString('base64url');

/** Throws `invalid_request` for anything `encodeCursor` cannot have produced. */
function parseCursor(cursor: string): AuditCursor {
  const match = BASE64URL.test(cursor)
    ? CURSOR_TEXT.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
    : null;
  const at = Number(match?.[1]);
  const id = match?.[2];
  if (id === undefined || !Number.isSafeInteger(at) || encodeCursor({ at, id }) !== cursor) {
    throw new SlipwayError('invalid_request', 'Malformed cursor', { param: 'cursor' });
  }
  return { at, id };
}

export class KyselyAuditLog implements AuditLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StorageDialect,
  ) {}

  /**
   * One transaction that locks the chain's head row, so that concurrent appends (from any process) take turns
   * and the chain never forks. The SQLite store replaces this with a synchronous transaction on its connection.
   */
  async appendAuditEvent(event: AuditEvent): Promise<void> {
    try {
      await runTransaction(this.db, async (transaction) => {
        await this.appendInTransaction(transaction, event);
        return { result: undefined, commit: true };
      });
    } catch (error) {
      if (this.dialect.constraintViolationOf(error) === 'unique') {
        throw new SlipwayError('conflict', `An audit event with id ${event.id} exists`, { cause: error });
      }
      throw error;
    }
  }

  private async appendInTransaction(transaction: Transaction<Database>, event: AuditEvent): Promise<void> {
    let select = transaction.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 1);
    if (this.dialect.kind === 'postgres') select = select.forUpdate();
    const head = (await select.executeTakeFirst()) ?? { seq: 0, hash: AUDIT_GENESIS_HASH };
    const seq = head.seq + 1;
    const hash = auditEventHash(head.hash, seq, event);
    const terms = auditIndexTermsOf(event.detail);
    await transaction
      .insertInto('audit_events')
      .values({
        id: event.id,
        at: event.at,
        actor_kind: event.actor.kind,
        actor_id: event.actor.id,
        actor_label: event.actor.label,
        action: event.action,
        target: event.target,
        outcome: event.outcome,
        detail: encodeJson(event.detail) ?? '{}',
        seq,
        prev_hash: head.hash,
        hash,
        subject: terms.subject,
      })
      .execute();
    if (terms.documents.length > 0) {
      await transaction
        .insertInto('audit_event_documents')
        .values(terms.documents.map((document) => ({ document_id: document, event_id: event.id })))
        .execute();
    }
    await transaction.updateTable('audit_chain_head').set({ seq, hash }).where('id', '=', 1).execute();
  }

  async listAuditEvents(query: AuditQuery): Promise<{ items: AuditEvent[]; nextCursor: string | null }> {
    const after = query.cursor === undefined ? null : parseCursor(query.cursor);
    let select = this.db.selectFrom('audit_events').selectAll();
    if (query.action !== undefined) select = select.where('action', '=', query.action);
    if (query.subject !== undefined) select = select.where('subject', '=', query.subject);
    if (query.target !== undefined) select = select.where('target', '=', query.target);
    const document = query.document;
    if (document !== undefined) {
      select = select.where((where) =>
        where.or([
          where('target', '=', document),
          where(
            'id',
            'in',
            where.selectFrom('audit_event_documents').select('event_id').where('document_id', '=', document),
          ),
        ]),
      );
    }
    if (after !== null) {
      select = select.where((where) =>
        where.or([
          where('at', '<', after.at),
          where.and([where('at', '=', after.at), where('id', '<', after.id)]),
        ]),
      );
    }
    // One extra row says whether another page exists.
    const rows = await select
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit + 1)
      .execute();
    const items = rows.slice(0, query.limit).map(toAuditEvent);
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > query.limit && last ? encodeCursor({ at: last.at, id: last.id }) : null,
    };
  }

  /**
   * Reads the head first and then only events up to it, so that appends committed meanwhile (which move the
   * head on) are neither missed nor mistaken for a broken chain.
   */
  async verifyAuditChain(): Promise<AuditChainReport> {
    const head = (await this.db
      .selectFrom('audit_chain_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .executeTakeFirst()) ?? { seq: 0, hash: AUDIT_GENESIS_HASH };
    const unchained = await this.db
      .selectFrom('audit_events')
      .select('id')
      .where('seq', 'is', null)
      .limit(1)
      .executeTakeFirst();
    const db = this.db;
    async function* pages() {
      let afterSeq = 0;
      for (;;) {
        const rows = await db
          .selectFrom('audit_events')
          .selectAll()
          .where('seq', '>', afterSeq)
          .where('seq', '<=', head.seq)
          .orderBy('seq')
          .limit(VERIFY_PAGE)
          .execute();
        if (rows.length === 0) return;
        yield rows;
        afterSeq = rows.at(-1)?.seq ?? afterSeq;
      }
    }
    return verifyAuditRows({ head, pages: pages(), unchainedEventId: unchained?.id ?? null });
  }
}
