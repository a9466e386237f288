import type { Selectable } from 'kysely';
import type { AuditEvent } from '../../../ports/audit-log.js';
import type { AuditEventsTable } from './database.js';
import { decodeJson } from './json-column.js';

/** The event an `audit_events` row holds (its chain columns aside). */
export function toAuditEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    id: row.id,
    at: row.at,
    actor: { kind: row.actor_kind as AuditEvent['actor']['kind'], id: row.actor_id, label: row.actor_label },
    action: row.action,
    target: row.target,
    outcome: row.outcome as AuditEvent['outcome'],
    detail: decodeJson(row.detail) as Record<string, unknown>,
  };
}
