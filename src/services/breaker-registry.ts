import { CLOSED_BREAKER, recordOutcome, requestAttempt } from '../core/circuit-breaker.js';
import type { BreakerOutcome, BreakerState, BreakerStateName } from '../core/circuit-breaker.js';
import { targetName } from '../core/route.js';
import type { BreakerPolicy, Target } from '../core/route.js';
import type { Clock } from '../ports/clock.js';

export type BreakerTarget = Pick<Target, 'providerId' | 'model'>;

/** One target's breaker, as shown by the admin API and the breaker-state gauge. */
export interface BreakerSnapshot {
  /** `providerId/model`. */
  target: string;
  state: BreakerStateName;
  consecutiveFailures: number;
  /** When it last opened (ms); null while closed. */
  openedAt: number | null;
}

/**
 * Circuit-breaker state per target (`providerId/model`), shared by every request of this process.
 *
 * Contract:
 * - `canAttempt` admits or refuses one attempt; when it admits the half-open probe it claims it, so the caller
 *   must then report exactly one of `recordSuccess`, `recordFailure` or `recordAbandoned` for that attempt.
 * - Methods return promises so that an implementation shared by several processes (in the database) can replace
 *   this one; `snapshot` is synchronous because gauges are read at scrape time from what the process knows.
 * - The policy travels with each call because it belongs to the route, and a target may serve several routes.
 */
export interface BreakerRegistry {
  canAttempt(target: BreakerTarget, policy: BreakerPolicy): Promise<boolean>;
  recordSuccess(target: BreakerTarget, policy: BreakerPolicy): Promise<void>;
  recordFailure(target: BreakerTarget, policy: BreakerPolicy): Promise<void>;
  /** The attempt ended without a verdict on the target (the client left); frees a half-open probe slot. */
  recordAbandoned(target: BreakerTarget, policy: BreakerPolicy): Promise<void>;
  /** Every target attempted so far, ordered by target name. */
  snapshot(): BreakerSnapshot[];
}

/**
 * The breakers of one process, in memory. A target unknown to it is closed. Targets stay listed once attempted
 * (they are bounded by the configuration), so a gauge series does not vanish when a breaker closes.
 * @example const breakers = new InMemoryBreakerRegistry({ clock }); if (await breakers.canAttempt(target, route.breaker)) …
 */
export class InMemoryBreakerRegistry implements BreakerRegistry {
  private readonly states = new Map<string, BreakerState>();
  private readonly clock: Clock;

  constructor(options: { clock: Clock }) {
    this.clock = options.clock;
  }

  async canAttempt(target: BreakerTarget, policy: BreakerPolicy): Promise<boolean> {
    const name = targetName(target);
    const step = requestAttempt(this.stateOf(name), { policy, now: this.clock.now() });
    this.states.set(name, step.state);
    return step.admitted;
  }

  async recordSuccess(target: BreakerTarget, policy: BreakerPolicy): Promise<void> {
    this.apply(target, 'success', policy);
  }

  async recordFailure(target: BreakerTarget, policy: BreakerPolicy): Promise<void> {
    this.apply(target, 'failure', policy);
  }

  async recordAbandoned(target: BreakerTarget, policy: BreakerPolicy): Promise<void> {
    this.apply(target, 'abandoned', policy);
  }

  snapshot(): BreakerSnapshot[] {
    return [...this.states.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([target, state]) => ({
        target,
        state: state.state,
        consecutiveFailures: state.consecutiveFailures,
        openedAt: state.openedAt,
      }));
  }

  private apply(target: BreakerTarget, outcome: BreakerOutcome, policy: BreakerPolicy): void {
    const name = targetName(target);
    this.states.set(name, recordOutcome(this.stateOf(name), outcome, { policy, now: this.clock.now() }));
  }

  private stateOf(name: string): BreakerState {
    return this.states.get(name) ?? CLOSED_BREAKER;
  }
}
