import type { CounterCharge, ReserveOutcome, UsageLedger } from '../../../ports/usage-ledger.js';
import {
  assertAmount,
  assertValidCharges,
  findFirstDenial,
  GRANTED,
  PURGE_INTERVAL_MS,
  RETENTION_MS,
} from '../common/usage-ledger-rules.js';
import type { SqliteConnection } from './sqlite-connection.js';
import { SqliteGroupCommit } from './sqlite-group-commit.js';

interface ReserveRequest {
  reservationId: string;
  charges: readonly CounterCharge[];
  reservedAt: number;
  /** Rows older than this go first; null when no purge is due. */
  purgeBefore: number | null;
}

interface SettleRequest {
  reservationId: string;
  actualOf: (counter: string, reserved: number) => number;
}

interface CounterRow {
  used: number;
  window_end: number;
}

interface ReservationRow {
  counter: string;
  window_start: number;
  reserved: number;
}

/**
 * The ledger on the same tables as the Kysely one (`usage_counters`, `reservations`), driven through prepared
 * statements. Reserves, settles and releases are group-committed (`SqliteGroupCommit`): those called while a flush
 * is pending run in the order called, in one IMMEDIATE transaction, and each call resolves after that transaction
 * has committed. The transaction holds the database's write lock from its first statement, so each reservation
 * reads the counters, decides and writes without any other process, or any call outside its group, changing them
 * in between; within the group, it sees what the calls before it wrote, exactly as if each had run alone. A denied
 * reservation writes nothing.
 *
 * Inputs are checked before a call joins a group, so an invalid call rejects alone; a group whose transaction fails
 * (the write lock not had within busy_timeout, a full disk) rejects every call in it, and none of them is applied.
 *
 * Closing: `close` commits the calls still queued, then rejects new ones. Calls queued when the connection is
 * closed without it reject with the driver's "connection is not open" error; none is applied.
 */
export class SqliteUsageLedger implements UsageLedger {
  readonly #group: SqliteGroupCommit;
  readonly #reserve: (request: ReserveRequest) => ReserveOutcome;
  readonly #settle: (request: SettleRequest) => void;
  readonly #usage: (counters: readonly { counter: string; windowStart: number }[]) => number[];
  #nextPurgeAt = Number.NEGATIVE_INFINITY;

  constructor(connection: SqliteConnection) {
    const purgeCounters = connection.prepare<[number]>('delete from usage_counters where window_end < ?');
    const purgeReservations = connection.prepare<[number]>('delete from reservations where reserved_at < ?');
    const findReservation = connection.prepare<[string]>(
      'select 1 from reservations where reservation_id = ? limit 1',
    );
    const findCounter = connection.prepare<[string, number], CounterRow>(
      'select used, window_end from usage_counters where counter = ? and window_start = ?',
    );
    const insertReservation = connection.prepare<[string, string, number, number, number, number]>(
      `insert into reservations (reservation_id, counter, window_start, window_end, reserved, reserved_at, settled)
       values (?, ?, ?, ?, ?, ?, 0)`,
    );
    // The limit the caller holds now wins, so that a changed limit applies from the next request on. The window
    // end is left out: setting it, even to the same value, rewrites its index entry, a page more to commit.
    const chargeCounter = connection.prepare<[string, number, number, number, number]>(
      `insert into usage_counters (counter, window_start, window_end, used, "limit") values (?, ?, ?, ?, ?)
       on conflict (counter, window_start) do update set used = used + excluded.used, "limit" = excluded."limit"`,
    );
    const moveCounterEnd = connection.prepare<[number, string, number]>(
      'update usage_counters set window_end = ? where counter = ? and window_start = ?',
    );
    const claimReservation = connection.prepare<[string], ReservationRow>(
      `update reservations set settled = 1 where reservation_id = ? and settled = 0
       returning counter, window_start, reserved`,
    );
    const adjustCounter = connection.prepare<[number, string, number]>(
      'update usage_counters set used = used + ? where counter = ? and window_start = ?',
    );
    const findUsed = connection
      .prepare<[string, number], number>(
        'select used from usage_counters where counter = ? and window_start = ?',
      )
      .pluck();

    this.#group = new SqliteGroupCommit(connection);

    this.#reserve = (request: ReserveRequest): ReserveOutcome => {
      const { reservationId, charges, reservedAt, purgeBefore } = request;
      if (purgeBefore !== null) {
        purgeCounters.run(purgeBefore);
        purgeReservations.run(purgeBefore);
      }
      // Reserved before: granted, and nothing charged again.
      if (findReservation.get(reservationId) !== undefined) return GRANTED;
      const counters = charges.map((charge) => findCounter.get(charge.counter, charge.windowStart));
      const rowOf = new Map(charges.map((charge, index) => [charge, counters[index]]));
      const denial = findFirstDenial(charges, (charge) => {
        const row = rowOf.get(charge);
        return { used: row?.used ?? 0, windowEnd: row?.window_end };
      });
      if (denial !== null) return denial;
      for (const [index, charge] of charges.entries()) {
        insertReservation.run(
          reservationId,
          charge.counter,
          charge.windowStart,
          charge.windowEnd,
          charge.amount,
          reservedAt,
        );
        chargeCounter.run(charge.counter, charge.windowStart, charge.windowEnd, charge.amount, charge.limit);
        const row = counters[index];
        if (row !== undefined && row.window_end !== charge.windowEnd) {
          moveCounterEnd.run(charge.windowEnd, charge.counter, charge.windowStart);
        }
      }
      return GRANTED;
    };

    // Flipping `settled` claims the rows, so a reservation settles once however often it is settled.
    this.#settle = (request: SettleRequest): void => {
      for (const row of claimReservation.all(request.reservationId)) {
        const delta = request.actualOf(row.counter, row.reserved) - row.reserved;
        if (delta !== 0) adjustCounter.run(delta, row.counter, row.window_start);
      }
    };

    // Deferred, as it only reads: one snapshot of every counter asked, without taking the write lock.
    this.#usage = connection.transaction(
      'deferred',
      (counters: readonly { counter: string; windowStart: number }[]): number[] =>
        counters.map((key) => findUsed.get(key.counter, key.windowStart) ?? 0),
    );
  }

  async reserve(reservationId: string, charges: readonly CounterCharge[]): Promise<ReserveOutcome> {
    // Copied before they are checked: the call runs after it has returned, and the caller may reuse its objects.
    const own = charges.map((charge) => ({ ...charge }));
    assertValidCharges(own);
    if (own.length === 0) return GRANTED;
    // Times come from the caller's aligned windows rather than a clock, so that purging follows the data.
    const reservedAt = Math.max(...own.map((charge) => charge.windowStart));
    const purgeDue = reservedAt >= this.#nextPurgeAt;
    // Moved on when queued, so that a group purges once; should the group fail, the purge waits for the next
    // interval, purging being opportunistic.
    if (purgeDue) this.#nextPurgeAt = reservedAt + PURGE_INTERVAL_MS;
    const request: ReserveRequest = {
      reservationId,
      charges: own,
      reservedAt,
      purgeBefore: purgeDue ? reservedAt - RETENTION_MS : null,
    };
    return this.#group.run(() => this.#reserve(request));
  }

  async settle(reservationId: string, actual: Readonly<Record<string, number>>): Promise<void> {
    // A copy, for the same reason as the charges of a reservation; own keys only, so `constructor` is a counter.
    const amounts = new Map(Object.entries(actual));
    for (const [counter, amount] of amounts) assertAmount(amount, `actual amount of ${counter}`);
    const request: SettleRequest = {
      reservationId,
      actualOf: (counter, reserved) => amounts.get(counter) ?? reserved,
    };
    return this.#group.run(() => this.#settle(request));
  }

  async release(reservationId: string): Promise<void> {
    const request: SettleRequest = { reservationId, actualOf: () => 0 };
    return this.#group.run(() => this.#settle(request));
  }

  async usage(counters: readonly { counter: string; windowStart: number }[]): Promise<number[]> {
    return counters.length === 0 ? [] : this.#usage(counters);
  }

  /** Commits the calls still queued, then rejects new ones with `internal_error`. Idempotent. */
  close(): void {
    this.#group.close();
  }
}
