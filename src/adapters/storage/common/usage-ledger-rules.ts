import { SlipwayError } from '../../../core/errors.js';
import type { CounterCharge, ReserveOutcome } from '../../../ports/usage-ledger.js';

/** How long rows of an ended window, and reservations, are kept (relative to the newest window seen). */
export const RETENTION_MS = 24 * 60 * 60 * 1000;
/** Purging is opportunistic: at most once per this much window time per store. */
export const PURGE_INTERVAL_MS = 60 * 1000;

export const GRANTED: ReserveOutcome = Object.freeze({ granted: true });

/** The checks every ledger makes before charging: each counter once, integer amounts, limits and windows. */
export function assertValidCharges(charges: readonly CounterCharge[]): void {
  const seen = new Set<string>();
  for (const charge of charges) {
    if (seen.has(charge.counter)) {
      throw new SlipwayError(
        'invalid_request',
        `Counter ${charge.counter} is charged twice in one reservation`,
      );
    }
    seen.add(charge.counter);
    assertAmount(charge.amount, `amount of ${charge.counter}`);
    assertAmount(charge.limit, `limit of ${charge.counter}`);
    if (!Number.isSafeInteger(charge.windowStart) || !Number.isSafeInteger(charge.windowEnd)) {
      throw new SlipwayError(
        'invalid_request',
        `The window of ${charge.counter} is not in integer milliseconds`,
      );
    }
  }
}

export function assertAmount(amount: number, what: string): void {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new SlipwayError('invalid_request', `The ${what} must be a non-negative integer, not ${amount}`);
  }
}

type Denial = ReserveOutcome & { granted: false };

/**
 * The first charge, in the caller's order, that would go over its limit given each counter's current state
 * (`used` before this reservation, and the window end stored for it, if any); null when every charge fits.
 */
export function findFirstDenial(
  charges: readonly CounterCharge[],
  stateOf: (charge: CounterCharge) => { used: number; windowEnd: number | undefined },
): Denial | null {
  for (const charge of charges) {
    const denial = denialOf(charge, stateOf(charge));
    if (denial.used + charge.amount > charge.limit) return denial;
  }
  return null;
}

/** The outcome that refuses a reservation because of `charge`. */
export function denialOf(
  charge: CounterCharge,
  state: { used: number; windowEnd: number | undefined },
): Denial {
  return {
    granted: false,
    counter: charge.counter,
    limit: charge.limit,
    used: state.used,
    windowEnd: state.windowEnd ?? charge.windowEnd,
  };
}
