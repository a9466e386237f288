import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../core/canonical-json.js';
import type { AuditEvent } from '../../../ports/audit-log.js';

/** The `prev_hash` of the first event: no event comes before it. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/**
 * SHA-256 (hex) over the previous event's hash and the canonical JSON of this event with its sequence number,
 * so that editing any field, renumbering, or cutting an event out breaks every later link.
 * @example auditEventHash(AUDIT_GENESIS_HASH, 1, event) // '3f…'
 */
export function auditEventHash(previousHash: string, seq: number, event: AuditEvent): string {
  const body = canonicalJson({
    seq,
    id: event.id,
    at: event.at,
    actor: { kind: event.actor.kind, id: event.actor.id, label: event.actor.label },
    action: event.action,
    target: event.target,
    outcome: event.outcome,
    detail: event.detail,
  });
  return createHash('sha256').update(`${previousHash}\n${body}`, 'utf8').digest('hex');
}
