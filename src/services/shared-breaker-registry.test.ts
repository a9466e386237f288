import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import type { BreakerPolicy } from '../core/route.js';
import type { BreakerStore, BreakerUpdate, StoredBreaker } from '../ports/breaker-store.js';
import { SharedBreakerRegistry } from './shared-breaker-registry.js';

/** One shared table in memory: every update is atomic, as nothing awaits between its read and its write. */
class TableBreakerStore implements BreakerStore {
  readonly rows = new Map<string, StoredBreaker>();

  async updateBreaker<Result>(update: BreakerUpdate<Result>): Promise<Result> {
    const current = this.rows.get(update.target) ?? null;
    const step = update.step(current);
    if (step.state !== null) {
      this.rows.set(update.target, { target: update.target, breaker: step.state, changedAt: update.at });
    }
    return step.result;
  }
}

const POLICY: BreakerPolicy = { failureThreshold: 2, cooldownMs: 1_000 };
const TARGET = { providerId: 'mock', model: 'gpt-test' };

/** Two processes' registries over one store, as two API processes on one PostgreSQL. */
function twoProcesses() {
  const store = new TableBreakerStore();
  const clock = new ManualClock();
  return {
    store,
    clock,
    first: new SharedBreakerRegistry({ store, clock }),
    second: new SharedBreakerRegistry({ store, clock }),
  };
}

describe('SharedBreakerRegistry', () => {
  it('refuses in one process a target whose failures opened the breaker in another', async () => {
    const { first, second } = twoProcesses();
    await expect(second.canAttempt(TARGET, POLICY)).resolves.toBe(true);
    await first.recordFailure(TARGET, POLICY);
    await second.recordFailure(TARGET, POLICY);
    await expect(first.canAttempt(TARGET, POLICY)).resolves.toBe(false);
    await expect(second.canAttempt(TARGET, POLICY)).resolves.toBe(false);
    expect(second.snapshot()).toEqual([
      { target: 'mock/gpt-test', state: 'open', consecutiveFailures: 2, openedAt: expect.any(Number) },
    ]);
  });

  it('admits one half-open probe across processes after the cooldown, and a success closes it for all', async () => {
    const { first, second, clock } = twoProcesses();
    await first.recordFailure(TARGET, POLICY);
    await first.recordFailure(TARGET, POLICY);
    clock.advance(POLICY.cooldownMs);
    await expect(first.canAttempt(TARGET, POLICY)).resolves.toBe(true);
    await expect(second.canAttempt(TARGET, POLICY)).resolves.toBe(false);
    await first.recordSuccess(TARGET, POLICY);
    await expect(second.canAttempt(TARGET, POLICY)).resolves.toBe(true);
    expect(second.snapshot()[0]).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('hands the probe of a process that never reported back to another one cooldown later', async () => {
    const { first, second, clock } = twoProcesses();
    await first.recordFailure(TARGET, POLICY);
    await first.recordFailure(TARGET, POLICY);
    clock.advance(POLICY.cooldownMs);
    await expect(first.canAttempt(TARGET, POLICY)).resolves.toBe(true);
    // `first` dies holding the probe.
    clock.advance(POLICY.cooldownMs - 1);
    await expect(second.canAttempt(TARGET, POLICY)).resolves.toBe(false);
    clock.advance(1);
    await expect(second.canAttempt(TARGET, POLICY)).resolves.toBe(true);
    await expect(second.canAttempt(TARGET, POLICY)).resolves.toBe(false);
  });

  it('writes nothing while a target is healthy', async () => {
    const { first, store } = twoProcesses();
    await first.canAttempt(TARGET, POLICY);
    await first.recordSuccess(TARGET, POLICY);
    expect(store.rows.size).toBe(0);
    expect(first.snapshot()).toEqual([
      { target: 'mock/gpt-test', state: 'closed', consecutiveFailures: 0, openedAt: null },
    ]);
  });
});
