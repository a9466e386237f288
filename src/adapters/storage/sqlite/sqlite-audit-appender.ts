import { auditIndexTermsOf } from '../../../core/audit-index-terms.js';
import { SlipwayError } from '../../../core/errors.js';
import type { AuditEvent } from '../../../ports/audit-log.js';
import { AUDIT_GENESIS_HASH, auditEventHash } from '../common/audit-chain-hash.js';
import type { AuditChainHeadTable } from '../common/database.js';
import { encodeJson } from '../common/json-column.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { SQLITE_STORAGE_DIALECT } from './sqlite-storage-dialect.js';

/**
 * Appends audit events to the hash chain on SQLite, each in one synchronous IMMEDIATE transaction on the store's
 * connection: reading the head, inserting the event and moving the head cannot interleave with another append
 * of this process, and the write lock taken up front makes other processes on the file wait their turn.
 * @example await new SqliteAuditAppender(connection).appendAuditEvent(event);
 */
export class SqliteAuditAppender {
  readonly #append: (event: AuditEvent) => void;

  constructor(connection: SqliteConnection) {
    const readHead = connection.prepare<[], Pick<AuditChainHeadTable, 'seq' | 'hash'>>(
      'SELECT seq, hash FROM audit_chain_head WHERE id = 1',
    );
    const insertEvent = connection.prepare<
      [
        string,
        number,
        string,
        string | null,
        string,
        string,
        string | null,
        string,
        string,
        number,
        string,
        string,
        string | null,
      ]
    >(
      `INSERT INTO audit_events (id, at, actor_kind, actor_id, actor_label, action, target, outcome, detail, seq,
         prev_hash, hash, subject)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertDocument = connection.prepare<[string, string]>(
      'INSERT INTO audit_event_documents (document_id, event_id) VALUES (?, ?)',
    );
    const moveHead = connection.prepare<[number, string]>(
      'UPDATE audit_chain_head SET seq = ?, hash = ? WHERE id = 1',
    );
    this.#append = connection.transaction('immediate', (event: AuditEvent) => {
      const head = readHead.get() ?? { seq: 0, hash: AUDIT_GENESIS_HASH };
      const seq = head.seq + 1;
      const hash = auditEventHash(head.hash, seq, event);
      const terms = auditIndexTermsOf(event.detail);
      insertEvent.run(
        event.id,
        event.at,
        event.actor.kind,
        event.actor.id,
        event.actor.label,
        event.action,
        event.target,
        event.outcome,
        encodeJson(event.detail) ?? '{}',
        seq,
        head.hash,
        hash,
        terms.subject,
      );
      for (const document of terms.documents) insertDocument.run(document, event.id);
      moveHead.run(seq, hash);
    });
  }

  appendAuditEvent(event: AuditEvent): Promise<void> {
    try {
      this.#append(event);
      return Promise.resolve();
    } catch (error) {
      if (SQLITE_STORAGE_DIALECT.constraintViolationOf(error) === 'unique') {
        return Promise.reject(
          new SlipwayError('conflict', `An audit event with id ${event.id} exists`, { cause: error }),
        );
      }
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
