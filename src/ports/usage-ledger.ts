/**
 * A counter for one limit in one time window, e.g. the requests of key `key_1` in the minute starting at t.
 * Amounts are integers: requests, tokens, or micro-USD for spend.
 */
export interface CounterCharge {
  /** Identifies the limited thing and the measure, e.g. `key:key_1:rpm`, `project:p1:spend-day`. */
  counter: string;
  /** Start of the window (ms, UTC), aligned by the caller. */
  windowStart: number;
  /** End of the window (ms); used to compute Retry-After and to expire old rows. */
  windowEnd: number;
  /** The most the counter may reach within the window. */
  limit: number;
  /** What this request adds (reserves) to the counter. */
  amount: number;
}

export type ReserveOutcome =
  | { granted: true }
  | {
      granted: false;
      /** The first counter that would have gone over its limit. */
      counter: string;
      limit: number;
      used: number;
      windowEnd: number;
    };

/**
 * Rate limits and budgets shared by every API process: "reserve, then settle".
 *
 * Contract:
 * - `reserve` is atomic and all-or-nothing across its charges, also across processes sharing the store: either
 *   every counter stays within its limit after adding its amount and all are added, or none is and the outcome
 *   names the first counter that would have gone over. A reservation id may be reserved once; reserving it
 *   again returns `granted: true` without charging twice.
 * - `settle` replaces each reserved amount of the reservation by the actual amount (given per counter; a counter
 *   not given settles to its reserved amount). It is idempotent: settling a settled reservation does nothing.
 *   Settling may push a counter past its limit (the upstream spent it); later reservations are then denied.
 * - `release` settles every charge of the reservation to zero (the request never reached the upstream).
 * - `usage` returns the current amount of each counter in the given window (0 when absent).
 */
export interface UsageLedger {
  reserve(reservationId: string, charges: readonly CounterCharge[]): Promise<ReserveOutcome>;
  settle(reservationId: string, actual: Readonly<Record<string, number>>): Promise<void>;
  release(reservationId: string): Promise<void>;
  usage(counters: readonly { counter: string; windowStart: number }[]): Promise<number[]>;
}
