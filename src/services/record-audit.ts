import type { AuditActor, AuditEvent, AuditLog } from '../ports/audit-log.js';
import type { Clock } from '../ports/clock.js';
import type { Random } from '../ports/random.js';

/** One event to record; the time and id are added by the recorder. */
export interface AuditEntry {
  actor: AuditActor;
  action: string;
  target?: string | null;
  /** `success` unless said otherwise. */
  outcome?: AuditEvent['outcome'];
  /** Facts about the event; never secrets or passwords. */
  detail?: Record<string, unknown>;
}

/** Appends one audit event; resolves once it is stored. */
export type RecordAudit = (entry: AuditEntry) => Promise<void>;

/**
 * The audit helper every service and route records through, so that every event has the same shape.
 * @example await recordAudit({ actor, action: 'user.role_change', target: user.id, detail: { from, to } });
 */
export function makeRecordAudit(deps: { log: AuditLog; clock: Clock; random: Random }): RecordAudit {
  return (entry) =>
    deps.log.appendAuditEvent({
      id: deps.random.id('aud'),
      at: deps.clock.now(),
      actor: entry.actor,
      action: entry.action,
      target: entry.target ?? null,
      outcome: entry.outcome ?? 'success',
      detail: entry.detail ?? {},
    });
}
