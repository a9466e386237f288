import type { Selectable } from 'kysely';
import { auditIndexTermsOf } from '../../../core/audit-index-terms.js';
import type { AuditChainReport } from '../../../ports/audit-log.js';
import { AUDIT_GENESIS_HASH, auditEventHash } from './audit-chain-hash.js';
import { toAuditEvent } from './audit-event-rows.js';
import type { AuditChainHeadTable, AuditEventsTable } from './database.js';

interface VerificationInput {
  /** The head as read before the events. */
  head: Pick<AuditChainHeadTable, 'seq' | 'hash'>;
  /** Events with seq 1..head.seq, in seq order, a page at a time. */
  pages: AsyncIterable<Array<Selectable<AuditEventsTable>>>;
  /** An event with no place in the chain (written around the store), if there is one. */
  unchainedEventId: string | null;
}

/**
 * Walks the chain from the first event: numbers must run 1, 2, … without gaps, each event must name the
 * previous event's hash and hash to its own, its indexed subject must be the one its detail gives, and the last
 * event must be the head. Shared by both stores.
 */
export async function verifyAuditRows(input: VerificationInput): Promise<AuditChainReport> {
  let expected = 1;
  let previous = AUDIT_GENESIS_HASH;
  const broken = (seq: number, reason: string): AuditChainReport => ({
    ok: false,
    checked: expected - 1,
    firstBadSeq: seq,
    reason,
  });
  for await (const rows of input.pages) {
    for (const row of rows) {
      const seq = row.seq ?? 0;
      if (seq !== expected) {
        return broken(expected, `event #${expected} is missing (the next event is #${seq})`);
      }
      if (row.prev_hash !== previous) {
        return broken(seq, `event #${seq} (${row.id}) does not link to event #${seq - 1}`);
      }
      const event = toAuditEvent(row);
      const hash = auditEventHash(previous, seq, event);
      if (row.hash !== hash || row.subject !== auditIndexTermsOf(event.detail).subject) {
        return broken(seq, `event #${seq} (${row.id}) was altered after it was recorded`);
      }
      previous = hash;
      expected += 1;
    }
  }
  const last = expected - 1;
  if (last !== input.head.seq) {
    return broken(last + 1, `events #${last + 1} to #${input.head.seq} are missing`);
  }
  if (previous !== input.head.hash) {
    return broken(last, `the chain's head does not match event #${last}`);
  }
  if (input.unchainedEventId !== null) {
    return {
      ok: false,
      checked: last,
      reason: `event ${input.unchainedEventId} was written around the chain (it has no sequence number)`,
    };
  }
  return { ok: true, checked: last };
}
