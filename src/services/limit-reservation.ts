import type { Caller } from '../core/identity.js';
import { buildLimitCharges, overrideLimits, settledAmounts } from '../core/limit-charges.js';
import type { GatewayLimits, LimitCharge } from '../core/limit-charges.js';
import { LimitExceededError } from '../core/limit-exceeded-error.js';
import type { Clock } from '../ports/clock.js';
import type { UsageLedger } from '../ports/usage-ledger.js';

export interface LimitReservationDeps {
  ledger: UsageLedger;
  limits: GatewayLimits;
  clock: Clock;
  /** Receives ledger failures while settling: the response is already produced, so they must not fail it. */
  onBackgroundError: (error: unknown) => void;
}

export interface ReserveLimitsRequest {
  /** The interaction id: one reservation per client request. */
  reservationId: string;
  caller: Caller;
  endUser: string | null;
  /** The most tokens the request may use (prompt plus maximum output). */
  tokens: number;
  /** The most the request may cost, in micro-USD. */
  spendMicroUsd: number;
}

/**
 * The limits a request holds between "reserve" and "settle". Ends exactly once: the first `settle` or `release`
 * wins and the others do nothing, so every exit path of a request may end it without double counting.
 */
export class LimitReservation {
  private ended = false;

  constructor(
    private readonly deps: LimitReservationDeps,
    private readonly reservation: { id: string; charges: readonly LimitCharge[] },
  ) {}

  /** Replaces the reserved amounts by the actual usage. Never throws (failures go to `onBackgroundError`). */
  async settle(actual: { tokens: number; spendMicroUsd: number }): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    if (this.reservation.charges.length === 0) return;
    try {
      await this.deps.ledger.settle(this.reservation.id, settledAmounts(this.reservation.charges, actual));
    } catch (error) {
      this.deps.onBackgroundError(error);
    }
  }

  /**
   * Ends the reservation of a failed request: it still counts as a request when an upstream was called (failed
   * calls bill no tokens we could count), and gives everything back when none was. Never throws.
   */
  async fail(upstreamCalled: boolean): Promise<void> {
    if (upstreamCalled) await this.settle({ tokens: 0, spendMicroUsd: 0 });
    else await this.release();
  }

  /** Gives everything back. Never throws. */
  private async release(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    if (this.reservation.charges.length === 0) return;
    try {
      await this.deps.ledger.release(this.reservation.id);
    } catch (error) {
      this.deps.onBackgroundError(error);
    }
  }
}

/**
 * Reserves a request's worst case against its key's limits (the configured per-key defaults overridden field by
 * field by the key's own), its project's and its end user's, before any upstream call. Throws
 * `LimitExceededError` when a limit would be exceeded. A request with no limit set makes no ledger call.
 * @example const reservation = await reserveLimits(deps, { reservationId, caller, endUser, tokens: 1200, spendMicroUsd: 900 });
 */
export async function reserveLimits(
  deps: LimitReservationDeps,
  request: ReserveLimitsRequest,
): Promise<LimitReservation> {
  const now = deps.clock.now();
  const charges = buildLimitCharges({
    keyId: request.caller.keyId,
    projectId: request.caller.projectId,
    endUser: request.endUser,
    keyLimits: overrideLimits(deps.limits.perKey, request.caller.limits),
    projectLimits: deps.limits.perProject,
    endUserLimits: deps.limits.perEndUser,
    tokens: request.tokens,
    spendMicroUsd: request.spendMicroUsd,
    now,
  });
  if (charges.length > 0) {
    const outcome = await deps.ledger.reserve(
      request.reservationId,
      charges.map(({ measure: _measure, ...charge }) => charge),
    );
    if (!outcome.granted) {
      throw new LimitExceededError({
        counter: outcome.counter,
        limit: outcome.limit,
        used: outcome.used,
        windowEnd: outcome.windowEnd,
        now,
      });
    }
  }
  return new LimitReservation(deps, { id: request.reservationId, charges });
}
