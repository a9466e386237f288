import type { AuditActor } from '../ports/audit-log.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { RecordAudit } from './record-audit.js';

/** Which dead letters to put back: all of one job name, the given ids, or (neither) every one. */
export interface RedriveQuery {
  name?: string;
  ids?: readonly string[];
}

/** Re-enqueues dead letters as new jobs (attempt 1) and resolves to how many went back. */
export type RedriveDeadLetters = (query: RedriveQuery, actor: AuditActor) => Promise<number>;

/**
 * Redrive with an audit trail: each call records `queue.redrive` with the query and the count, so that a job
 * run twice on purpose can be told from one run twice by accident.
 * @example const count = await redrive({ name: 'batch.line' }, actor);
 */
export function makeRedriveDeadLetters(deps: {
  queue: Pick<JobQueue, 'redrive'>;
  recordAudit: RecordAudit;
}): RedriveDeadLetters {
  return async (query, actor) => {
    const count = await deps.queue.redrive(query);
    await deps.recordAudit({
      actor,
      action: 'queue.redrive',
      target: query.name ?? null,
      detail: { ...(query.ids === undefined ? {} : { ids: [...query.ids] }), count },
    });
    return count;
  };
}
