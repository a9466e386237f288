import type { LimitMeasure } from '../../../core/limit-charges.js';

// Every measure a per-end-user limit counter is kept for (src/core/limit-charges.ts names the counters).
const MEASURES = Object.keys({
  rpm: true,
  tpm: true,
  'spend-day': true,
  'spend-month': true,
} satisfies Record<LimitMeasure, true>);

/**
 * The usage-ledger counter names that carry one end user's id, `user:<projectId>:<endUser>:<measure>`, for each
 * given project. Exact names rather than a LIKE pattern: an id may itself contain `:` or `%`, and a pattern could
 * then match another end user's counters.
 *
 * @example endUserCounters({ projectIds: ['prj_1'], endUser: 'u1' }) // ['user:prj_1:u1:rpm', …]
 */
export function endUserCounters(options: { projectIds: readonly string[]; endUser: string }): string[] {
  return options.projectIds.flatMap((projectId) =>
    MEASURES.map((measure) => `user:${projectId}:${options.endUser}:${measure}`),
  );
}
