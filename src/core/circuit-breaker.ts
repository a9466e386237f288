import type { BreakerPolicy } from './route.js';

export type BreakerStateName = 'closed' | 'open' | 'half_open';

/** The breaker of one target. Plain data, so that a shared store can hold it. */
export interface BreakerState {
  state: BreakerStateName;
  consecutiveFailures: number;
  /** When the breaker last opened (ms); null while it has never opened since it last closed. */
  openedAt: number | null;
  /** True while the single half-open probe is in flight. */
  probeInFlight: boolean;
}

/** How an admitted attempt ended, as far as the target's health is concerned. */
export type BreakerOutcome =
  /** The target answered (a success, or a rejection of the request itself such as 400). */
  | 'success'
  /** The target failed (429, 5xx, connection error, timeout). */
  | 'failure'
  /** The attempt ended without telling anything about the target (the client went away). */
  | 'abandoned';

export interface BreakerStepOptions {
  policy: BreakerPolicy;
  /** The current time (ms), from the Clock port. */
  now: number;
}

export const CLOSED_BREAKER: BreakerState = Object.freeze({
  state: 'closed',
  consecutiveFailures: 0,
  openedAt: null,
  probeInFlight: false,
});

/**
 * Asks to send one attempt to the target. Closed: admitted. Open: refused until `cooldownMs` has passed since it
 * opened, then admitted as the half-open probe. Half-open: admitted only while no probe is in flight, so a
 * recovering upstream sees one request, not a stampede.
 * @example const { admitted, state: next } = requestAttempt(state, { policy, now: clock.now() });
 */
export function requestAttempt(
  state: BreakerState,
  options: BreakerStepOptions,
): { admitted: boolean; state: BreakerState } {
  switch (state.state) {
    case 'closed':
      return { admitted: true, state };
    case 'open': {
      const openedAt = state.openedAt ?? options.now;
      if (options.now - openedAt < options.policy.cooldownMs) return { admitted: false, state };
      return { admitted: true, state: { ...state, state: 'half_open', probeInFlight: true } };
    }
    case 'half_open':
      if (state.probeInFlight) return { admitted: false, state };
      return { admitted: true, state: { ...state, probeInFlight: true } };
  }
}

/**
 * Applies the outcome of an admitted attempt. A success closes the breaker from any state. A failure counts
 * towards `failureThreshold` while closed and opens it at the threshold; a failed probe opens it again for a
 * new cooldown. An abandoned probe frees the half-open slot for the next request.
 * @example state = recordOutcome(state, 'failure', { policy, now: clock.now() });
 */
export function recordOutcome(
  state: BreakerState,
  outcome: BreakerOutcome,
  options: BreakerStepOptions,
): BreakerState {
  switch (outcome) {
    case 'success':
      return CLOSED_BREAKER;
    case 'abandoned':
      return state.state === 'half_open' ? { ...state, probeInFlight: false } : state;
    case 'failure': {
      const consecutiveFailures = state.consecutiveFailures + 1;
      switch (state.state) {
        case 'closed':
          if (consecutiveFailures < options.policy.failureThreshold) return { ...state, consecutiveFailures };
          return { state: 'open', consecutiveFailures, openedAt: options.now, probeInFlight: false };
        case 'half_open':
          return { state: 'open', consecutiveFailures, openedAt: options.now, probeInFlight: false };
        case 'open':
          // An attempt admitted before the breaker opened, failing late: it must not extend the cooldown.
          return { ...state, consecutiveFailures };
      }
    }
  }
}
