import { describe, expect, it } from 'vitest';
import type { BreakerPolicy } from '../core/route.js';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import { breakerStateGauge } from './breaker-gauge.js';
import { InMemoryBreakerRegistry } from './breaker-registry.js';

const policy: BreakerPolicy = { failureThreshold: 2, cooldownMs: 500 };
const a = { providerId: 'openai', model: 'gpt-4o-mini' };
const b = { providerId: 'azure', model: 'gpt-4o-mini' };

describe('InMemoryBreakerRegistry', () => {
  it('keeps one breaker per target name and lists them by name', async () => {
    const clock = new ManualClock(10_000);
    const breakers = new InMemoryBreakerRegistry({ clock });
    expect(breakers.snapshot()).toEqual([]);

    expect(await breakers.canAttempt(a, policy)).toBe(true);
    await breakers.recordFailure(a, policy);
    await breakers.recordFailure(a, policy);
    expect(await breakers.canAttempt(b, policy)).toBe(true);
    await breakers.recordSuccess(b, policy);

    expect(breakers.snapshot()).toEqual([
      { target: 'azure/gpt-4o-mini', state: 'closed', consecutiveFailures: 0, openedAt: null },
      { target: 'openai/gpt-4o-mini', state: 'open', consecutiveFailures: 2, openedAt: 10_000 },
    ]);
    expect(await breakers.canAttempt(a, policy)).toBe(false);
    expect(await breakers.canAttempt(b, policy)).toBe(true);
  });

  it('admits one probe after the cooldown, by the injected clock', async () => {
    const clock = new ManualClock(0);
    const breakers = new InMemoryBreakerRegistry({ clock });
    await breakers.recordFailure(a, policy);
    await breakers.recordFailure(a, policy);
    clock.advance(499);
    expect(await breakers.canAttempt(a, policy)).toBe(false);
    clock.advance(1);
    expect(await breakers.canAttempt(a, policy)).toBe(true);
    expect(await breakers.canAttempt(a, policy)).toBe(false);
    expect(breakers.snapshot()[0]?.state).toBe('half_open');

    await breakers.recordAbandoned(a, policy);
    expect(await breakers.canAttempt(a, policy)).toBe(true);
    await breakers.recordSuccess(a, policy);
    expect(breakers.snapshot()[0]).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
  });

  it('feeds the breaker-state gauge', async () => {
    const clock = new ManualClock(0);
    const breakers = new InMemoryBreakerRegistry({ clock });
    await breakers.recordFailure(a, policy);
    await breakers.recordFailure(a, policy);
    await breakers.recordSuccess(b, policy);
    const gauge = breakerStateGauge(breakers);
    expect(gauge).toMatchObject({ name: 'slipway_breaker_state', labelNames: ['target'] });
    expect(gauge.collect()).toEqual([
      { labels: { target: 'azure/gpt-4o-mini' }, value: 0 },
      { labels: { target: 'openai/gpt-4o-mini' }, value: 2 },
    ]);
  });
});
