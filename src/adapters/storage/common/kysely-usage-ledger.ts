import type { Kysely, Transaction } from 'kysely';
import type { CounterCharge, ReserveOutcome, UsageLedger } from '../../../ports/usage-ledger.js';
import {
  assertAmount,
  assertValidCharges,
  denialOf,
  findFirstDenial,
  GRANTED,
  PURGE_INTERVAL_MS,
  RETENTION_MS,
} from './usage-ledger-rules.js';
import type { Database } from './database.js';
import { runTransaction } from './run-transaction.js';

/**
 * The ledger on one SQL table of counters, one row per counter and window. Atomicity comes from the database:
 * each charge is one conditional upsert, whose row lock (PostgreSQL) or the IMMEDIATE transaction's write lock
 * (SQLite) serialises concurrent reservers, and a denied charge rolls the whole transaction back. No process
 * keeps counts in memory, so any number of processes may share the store.
 */
export class KyselyUsageLedger implements UsageLedger {
  #nextPurgeAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly db: Kysely<Database>) {}

  async reserve(reservationId: string, charges: readonly CounterCharge[]): Promise<ReserveOutcome> {
    assertValidCharges(charges);
    if (charges.length === 0) return GRANTED;
    // Times come from the caller's aligned windows rather than a clock, so that purging follows the data.
    const reservedAt = Math.max(...charges.map((charge) => charge.windowStart));
    await this.purgeIfDue(reservedAt);
    return runTransaction(this.db, async (transaction) => {
      const claimed = await transaction
        .insertInto('reservations')
        .values(
          charges.map((charge) => ({
            reservation_id: reservationId,
            counter: charge.counter,
            window_start: charge.windowStart,
            window_end: charge.windowEnd,
            reserved: charge.amount,
            reserved_at: reservedAt,
            settled: 0,
          })),
        )
        .onConflict((conflict) => conflict.doNothing())
        .returning('counter')
        .execute();
      // The id was reserved before (or is being reserved concurrently, in which case the unique index made us
      // wait for that transaction to commit): granted, and nothing charged again.
      if (claimed.length < charges.length) return { result: GRANTED, commit: false };
      // A fixed locking order, so that two reservations sharing counters cannot deadlock.
      const lockingOrder = [...charges].sort(compareCharges);
      for (const [position, charge] of lockingOrder.entries()) {
        if (!(await tryCharge(transaction, charge))) {
          const charged = new Set(lockingOrder.slice(0, position));
          return {
            result: await findCallersFirstDenial(transaction, { charges, charged, denied: charge }),
            commit: false,
          };
        }
      }
      return { result: GRANTED, commit: true };
    });
  }

  async settle(reservationId: string, actual: Readonly<Record<string, number>>): Promise<void> {
    for (const [counter, amount] of Object.entries(actual)) {
      assertAmount(amount, `actual amount of ${counter}`);
    }
    await this.settleTo(reservationId, (counter, reserved) =>
      Object.hasOwn(actual, counter) ? (actual[counter] ?? reserved) : reserved,
    );
  }

  async release(reservationId: string): Promise<void> {
    await this.settleTo(reservationId, () => 0);
  }

  async usage(counters: readonly { counter: string; windowStart: number }[]): Promise<number[]> {
    if (counters.length === 0) return [];
    const rows = await this.db
      .selectFrom('usage_counters')
      .select(['counter', 'window_start', 'used'])
      .where((eb) =>
        eb.or(
          counters.map((key) =>
            eb.and([eb('counter', '=', key.counter), eb('window_start', '=', key.windowStart)]),
          ),
        ),
      )
      .execute();
    const used = new Map(rows.map((row) => [counterKey(row.counter, row.window_start), row.used]));
    return counters.map((key) => used.get(counterKey(key.counter, key.windowStart)) ?? 0);
  }

  private async settleTo(
    reservationId: string,
    actualOf: (counter: string, reserved: number) => number,
  ): Promise<void> {
    await runTransaction(this.db, async (transaction) => {
      // Claiming the rows by flipping `settled` makes settling idempotent even when two settles race: the
      // second waits on the row locks and then finds nothing left to claim.
      const claimed = await transaction
        .updateTable('reservations')
        .set({ settled: 1 })
        .where('reservation_id', '=', reservationId)
        .where('settled', '=', 0)
        .returning(['counter', 'window_start', 'reserved'])
        .execute();
      claimed.sort((a, b) =>
        compareCharges(
          { counter: a.counter, windowStart: a.window_start },
          { counter: b.counter, windowStart: b.window_start },
        ),
      );
      for (const row of claimed) {
        const delta = actualOf(row.counter, row.reserved) - row.reserved;
        if (delta === 0) continue;
        await transaction
          .updateTable('usage_counters')
          .set((eb) => ({ used: eb('used', '+', delta) }))
          .where('counter', '=', row.counter)
          .where('window_start', '=', row.window_start)
          .execute();
      }
      return { result: undefined, commit: true };
    });
  }

  private async purgeIfDue(reference: number): Promise<void> {
    if (reference < this.#nextPurgeAt) return;
    this.#nextPurgeAt = reference + PURGE_INTERVAL_MS;
    const horizon = reference - RETENTION_MS;
    await this.db.deleteFrom('usage_counters').where('window_end', '<', horizon).execute();
    await this.db.deleteFrom('reservations').where('reserved_at', '<', horizon).execute();
  }
}

/**
 * Adds the charge to its counter unless that would take it past the limit; false when denied. A first insert
 * is not checked by the upsert's WHERE, hence the explicit test of an amount that alone exceeds the limit.
 */
async function tryCharge(transaction: Transaction<Database>, charge: CounterCharge): Promise<boolean> {
  if (charge.amount > charge.limit) return false;
  const row = await transaction
    .insertInto('usage_counters')
    .values({
      counter: charge.counter,
      window_start: charge.windowStart,
      window_end: charge.windowEnd,
      used: charge.amount,
      limit: charge.limit,
    })
    .onConflict((conflict) =>
      conflict
        .columns(['counter', 'window_start'])
        // The limit the caller holds now wins, so that a changed limit applies from the next request on.
        .doUpdateSet((eb) => ({
          used: eb('usage_counters.used', '+', eb.ref('excluded.used')),
          limit: eb.ref('excluded.limit'),
          window_end: eb.ref('excluded.window_end'),
        }))
        .where((eb) =>
          eb(eb('usage_counters.used', '+', eb.ref('excluded.used')), '<=', eb.ref('excluded.limit')),
        ),
    )
    .returning('used')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The first charge, in the caller's order, that would go over its limit. Charges were applied in locking order,
 * so the one denied there need not be the caller's first; the counters already charged in this transaction
 * have their own amount taken back out before comparing.
 */
async function findCallersFirstDenial(
  transaction: Transaction<Database>,
  options: { charges: readonly CounterCharge[]; charged: ReadonlySet<CounterCharge>; denied: CounterCharge },
): Promise<ReserveOutcome> {
  const rows = await transaction
    .selectFrom('usage_counters')
    .select(['counter', 'window_start', 'window_end', 'used'])
    .where((eb) =>
      eb.or(
        options.charges.map((charge) =>
          eb.and([eb('counter', '=', charge.counter), eb('window_start', '=', charge.windowStart)]),
        ),
      ),
    )
    .execute();
  const current = new Map(rows.map((row) => [counterKey(row.counter, row.window_start), row]));
  const stateOf = (charge: CounterCharge) => {
    const row = current.get(counterKey(charge.counter, charge.windowStart));
    const used = (row?.used ?? 0) - (options.charged.has(charge) ? charge.amount : 0);
    return { used, windowEnd: row?.window_end };
  };
  return findFirstDenial(options.charges, stateOf) ?? denialOf(options.denied, stateOf(options.denied));
}

function compareCharges(
  a: Pick<CounterCharge, 'counter' | 'windowStart'>,
  b: Pick<CounterCharge, 'counter' | 'windowStart'>,
): number {
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1;
  return a.windowStart - b.windowStart;
}

function counterKey(counter: string, windowStart: number): string {
  return `${windowStart}:${counter}`;
}
