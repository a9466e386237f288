import { CLOSED_BREAKER, recordOutcome, requestAttempt } from '../core/circuit-breaker.js';
import type { BreakerOutcome, BreakerState } from '../core/circuit-breaker.js';
import { targetName } from '../core/route.js';
import type { BreakerPolicy } from '../core/route.js';
import type { BreakerStore, BreakerUpdate, StoredBreaker } from '../ports/breaker-store.js';
import type { Clock } from '../ports/clock.js';
import type { BreakerRegistry, BreakerSnapshot, BreakerTarget } from './breaker-registry.js';

/**
 * The breakers of every process sharing one store (scale-out mode): a target that failed through one API process
 * or worker is refused by all of them, and its half-open probe is one request across all of them.
 *
 * Unlike the in-memory registry, a process can die holding the half-open probe; a probe claimed longer ago than
 * the cooldown is taken as lost and the slot handed to the next request, so a crashed process delays recovery by
 * one cooldown instead of keeping the target refused for ever. `snapshot` tells what this process last read or
 * wrote of each target (it reads a target's row on every attempt), which is what its gauges can know without a
 * query at scrape time.
 * @example const breakers = new SharedBreakerRegistry({ store, clock }); if (await breakers.canAttempt(target, route.breaker)) …
 */
export class SharedBreakerRegistry implements BreakerRegistry {
  private readonly seen = new Map<string, BreakerState>();
  private readonly store: BreakerStore;
  private readonly clock: Clock;

  constructor(options: { store: BreakerStore; clock: Clock }) {
    this.store = options.store;
    this.clock = options.clock;
  }

  canAttempt(target: BreakerTarget, policy: BreakerPolicy): Promise<boolean> {
    const now = this.clock.now();
    return this.update(target, (current) => {
      const stored = current?.breaker ?? CLOSED_BREAKER;
      const reclaimed = isLostProbe(current, { policy, now });
      const step = requestAttempt(reclaimed ? recordOutcome(stored, 'abandoned', { policy, now }) : stored, {
        policy,
        now,
      });
      // A reclaimed probe looks the same as the lost one, but its row must be stamped anew.
      return {
        state: reclaimed || !sameBreaker(stored, step.state) ? step.state : null,
        result: step.admitted,
      };
    });
  }

  recordSuccess(target: BreakerTarget, policy: BreakerPolicy): Promise<void> {
    return this.apply(target, 'success', policy);
  }

  recordFailure(target: BreakerTarget, policy: BreakerPolicy): Promise<void> {
    return this.apply(target, 'failure', policy);
  }

  recordAbandoned(target: BreakerTarget, policy: BreakerPolicy): Promise<void> {
    return this.apply(target, 'abandoned', policy);
  }

  snapshot(): BreakerSnapshot[] {
    return [...this.seen.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([target, state]) => ({
        target,
        state: state.state,
        consecutiveFailures: state.consecutiveFailures,
        openedAt: state.openedAt,
      }));
  }

  private apply(target: BreakerTarget, outcome: BreakerOutcome, policy: BreakerPolicy): Promise<void> {
    const now = this.clock.now();
    return this.update(target, (current) => {
      const stored = current?.breaker ?? CLOSED_BREAKER;
      const next = recordOutcome(stored, outcome, { policy, now });
      return { state: sameBreaker(stored, next) ? null : next, result: undefined };
    });
  }

  private async update<Result>(
    target: BreakerTarget,
    decide: BreakerUpdate<Result>['step'],
  ): Promise<Result> {
    const name = targetName(target);
    let known: BreakerState = CLOSED_BREAKER;
    const result = await this.store.updateBreaker({
      target: name,
      at: this.clock.now(),
      step: (current) => {
        const step = decide(current);
        known = step.state ?? current?.breaker ?? CLOSED_BREAKER;
        return step;
      },
    });
    this.seen.set(name, known);
    return result;
  }
}

/** A half-open probe claimed a cooldown ago or more: the process holding it died, or its request still runs. */
function isLostProbe(
  current: StoredBreaker | null,
  options: { policy: BreakerPolicy; now: number },
): boolean {
  return (
    current !== null &&
    current.breaker.state === 'half_open' &&
    current.breaker.probeInFlight &&
    options.now - current.changedAt >= options.policy.cooldownMs
  );
}

function sameBreaker(a: BreakerState, b: BreakerState): boolean {
  return (
    a.state === b.state &&
    a.consecutiveFailures === b.consecutiveFailures &&
    a.openedAt === b.openedAt &&
    a.probeInFlight === b.probeInFlight
  );
}
