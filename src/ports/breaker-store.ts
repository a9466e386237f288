import type { BreakerState } from '../core/circuit-breaker.js';

/** One target's circuit breaker as the store holds it. */
export interface StoredBreaker {
  /** `providerId/model`. */
  target: string;
  breaker: BreakerState;
  /** When the stored state last changed (ms). */
  changedAt: number;
}

/** What one step of a breaker decides: the state to store, and what to tell the caller. */
interface BreakerStep<Result> {
  /** Stored and stamped with `at`; null keeps what is stored and writes nothing (the steady state). */
  state: BreakerState | null;
  result: Result;
}

/** One read-decide-write of a target's breaker. */
export interface BreakerUpdate<Result> {
  target: string;
  /** The current time (ms), stamped on the row when the state changes. */
  at: number;
  /**
   * Decides from the stored breaker (null when the target has none: it is closed). Must be pure: under
   * contention it runs again on the state another process has just written.
   */
  step: (current: StoredBreaker | null) => BreakerStep<Result>;
}

/**
 * Circuit-breaker state per target, shared by every process of an installation through the store, so that a
 * target one API process has seen failing is refused by the others too (scale-out mode).
 *
 * Contract: `updateBreaker` is atomic per target against every process sharing the store: no update is lost
 * between a read and a write (a compare-and-swap, retried on the newer state). A step that returns a null state
 * writes nothing. A target never updated reads as null. Throws `internal_error` when the store fails or
 * the update keeps losing to concurrent writers.
 * @example const admitted = await store.updateBreaker({ target: 'openai/gpt-4o', at: now, step: (current) => … });
 */
export interface BreakerStore {
  updateBreaker<Result>(update: BreakerUpdate<Result>): Promise<Result>;
}
