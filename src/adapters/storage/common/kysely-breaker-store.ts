import type { Kysely, Selectable } from 'kysely';
import type { BreakerStateName } from '../../../core/circuit-breaker.js';
import { SlipwayError } from '../../../core/errors.js';
import type { BreakerStore, BreakerUpdate, StoredBreaker } from '../../../ports/breaker-store.js';
import type { CircuitBreakersTable, Database } from './database.js';

/**
 * Rounds of read-decide-write before giving up. A breaker changes only on failures and state transitions, so a
 * round is lost only to another process's write of the same target at the same moment; 50 in a row means the
 * store is not answering sensibly.
 */
const MAX_ROUNDS = 50;

/**
 * Breakers as rows, updated by compare-and-swap on `version` rather than under a row lock: the same statements
 * work on SQLite and PostgreSQL, and a step that changes nothing (the steady state of a healthy target) costs one
 * primary-key read and no write.
 */
export class KyselyBreakerStore implements BreakerStore {
  constructor(private readonly db: Kysely<Database>) {}

  async updateBreaker<Result>(update: BreakerUpdate<Result>): Promise<Result> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const row = await this.db
        .selectFrom('circuit_breakers')
        .selectAll()
        .where('target', '=', update.target)
        .executeTakeFirst();
      const current = row === undefined ? null : toStoredBreaker(row);
      const step = update.step(current);
      if (step.state === null) return step.result;
      const columns = {
        state: step.state.state,
        consecutive_failures: step.state.consecutiveFailures,
        opened_at: step.state.openedAt,
        probe_in_flight: step.state.probeInFlight ? 1 : 0,
        changed_at: update.at,
      };
      const written =
        row === undefined
          ? await this.db
              .insertInto('circuit_breakers')
              .values({ target: update.target, ...columns, version: 1 })
              .onConflict((conflict) => conflict.column('target').doNothing())
              .executeTakeFirst()
              .then((result) => Number(result.numInsertedOrUpdatedRows ?? 0))
          : await this.db
              .updateTable('circuit_breakers')
              .set({ ...columns, version: row.version + 1 })
              .where('target', '=', update.target)
              .where('version', '=', row.version)
              .executeTakeFirst()
              .then((result) => Number(result.numUpdatedRows));
      if (written === 1) return step.result;
    }
    throw new SlipwayError(
      'internal_error',
      `Circuit breaker of "${update.target}" not updated: ${MAX_ROUNDS} concurrent writes in a row won`,
    );
  }
}

function toStoredBreaker(row: Selectable<CircuitBreakersTable>): StoredBreaker {
  return {
    target: row.target,
    breaker: {
      // Written only from a BreakerState, so the text is one of its names.
      state: row.state as BreakerStateName,
      consecutiveFailures: row.consecutive_failures,
      openedAt: row.opened_at,
      probeInFlight: Boolean(row.probe_in_flight),
    },
    changedAt: row.changed_at,
  };
}
