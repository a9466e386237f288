import { describe, expect, it } from 'vitest';
import { CLOSED_BREAKER, recordOutcome, requestAttempt } from './circuit-breaker.js';
import type { BreakerState } from './circuit-breaker.js';
import type { BreakerPolicy } from './route.js';

const policy: BreakerPolicy = { failureThreshold: 3, cooldownMs: 1000 };

function fail(state: BreakerState, now: number): BreakerState {
  return recordOutcome(state, 'failure', { policy, now });
}

function openAt(now: number): BreakerState {
  return fail(fail(fail(CLOSED_BREAKER, now), now), now);
}

describe('circuit breaker', () => {
  it('admits attempts while closed and counts consecutive failures below the threshold', () => {
    const state = fail(fail(CLOSED_BREAKER, 0), 0);
    expect(state).toMatchObject({ state: 'closed', consecutiveFailures: 2 });
    expect(requestAttempt(state, { policy, now: 0 }).admitted).toBe(true);
  });

  it('a success resets the count', () => {
    const state = recordOutcome(fail(fail(CLOSED_BREAKER, 0), 0), 'success', { policy, now: 0 });
    expect(fail(state, 0)).toMatchObject({ state: 'closed', consecutiveFailures: 1 });
  });

  it('opens at the threshold and refuses attempts during the cooldown', () => {
    const state = openAt(5000);
    expect(state).toEqual({ state: 'open', consecutiveFailures: 3, openedAt: 5000, probeInFlight: false });
    expect(requestAttempt(state, { policy, now: 5999 })).toEqual({ admitted: false, state });
  });

  it('lets exactly one half-open probe through after the cooldown', () => {
    const probe = requestAttempt(openAt(0), { policy, now: 1000 });
    expect(probe.admitted).toBe(true);
    expect(probe.state).toMatchObject({ state: 'half_open', probeInFlight: true });
    expect(requestAttempt(probe.state, { policy, now: 1001 }).admitted).toBe(false);
  });

  it('closes when the probe succeeds', () => {
    const probe = requestAttempt(openAt(0), { policy, now: 1000 });
    const state = recordOutcome(probe.state, 'success', { policy, now: 1010 });
    expect(state).toEqual(CLOSED_BREAKER);
  });

  it('opens again for a new cooldown when the probe fails', () => {
    const probe = requestAttempt(openAt(0), { policy, now: 1000 });
    const state = fail(probe.state, 1200);
    expect(state).toMatchObject({ state: 'open', openedAt: 1200, probeInFlight: false });
    expect(requestAttempt(state, { policy, now: 2199 }).admitted).toBe(false);
    expect(requestAttempt(state, { policy, now: 2200 }).admitted).toBe(true);
  });

  it('frees the probe slot when the probe is abandoned', () => {
    const probe = requestAttempt(openAt(0), { policy, now: 1000 });
    const state = recordOutcome(probe.state, 'abandoned', { policy, now: 1001 });
    expect(state).toMatchObject({ state: 'half_open', probeInFlight: false });
    expect(requestAttempt(state, { policy, now: 1002 }).admitted).toBe(true);
  });

  it('does not extend the cooldown for a late failure of an attempt admitted before it opened', () => {
    const state = fail(openAt(0), 900);
    expect(state).toMatchObject({ state: 'open', openedAt: 0, consecutiveFailures: 4 });
  });

  it('abandoning outside half-open changes nothing', () => {
    expect(recordOutcome(CLOSED_BREAKER, 'abandoned', { policy, now: 0 })).toBe(CLOSED_BREAKER);
  });
});
