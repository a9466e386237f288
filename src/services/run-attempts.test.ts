import { describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../core/interaction.js';
import type { Target } from '../core/route.js';
import { FakeModelProvider } from '../../test/doubles/fake-model-provider.js';
import { chatRoute } from '../../test/doubles/gateway-harness.js';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import { RecordingSleep } from '../../test/doubles/recording-sleep.js';
import { SeededRandom } from '../../test/doubles/seeded-random.js';
import { InMemoryBreakerRegistry } from './breaker-registry.js';
import { runAttempts } from './run-attempts.js';

function deps() {
  const clock = new ManualClock();
  return {
    breakers: new InMemoryBreakerRegistry({ clock }),
    clock,
    random: new SeededRandom(3),
    sleep: new RecordingSleep(clock).sleep,
  };
}

const provider = (id: string) => new FakeModelProvider(id);

describe('runAttempts', () => {
  it('spreads first attempts over weighted targets', async () => {
    const route = chatRoute({
      strategy: 'weighted',
      targets: [
        { providerId: 'primary', model: 'p', weight: 1 },
        { providerId: 'secondary', model: 's', weight: 3 },
      ],
    });
    const shared = deps();
    const firsts: string[] = [];
    for (let index = 0; index < 400; index += 1) {
      const result = await runAttempts(shared, {
        route,
        provider,
        signal: new AbortController().signal,
        attempts: [],
        call: async (target: Target) => ({ value: target.providerId, ttftMs: null }),
      });
      firsts.push(result.value);
    }
    const secondary = firsts.filter((id) => id === 'secondary').length / firsts.length;
    expect(secondary).toBeGreaterThan(0.65);
    expect(secondary).toBeLessThan(0.85);
  });

  it('treats an unexpected throw as a non-retryable internal_error and records it', async () => {
    const attempts: AttemptRecord[] = [];
    const run = runAttempts(deps(), {
      route: chatRoute(),
      provider,
      signal: new AbortController().signal,
      attempts,
      call: async () => {
        throw new TypeError('cannot read properties of undefined');
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'internal_error' });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({
      status: 'error',
      errorCode: 'internal_error',
      providerId: 'primary',
    });
  });

  it('starts nothing when the client has already gone', async () => {
    const client = new AbortController();
    client.abort();
    const attempts: AttemptRecord[] = [];
    const run = runAttempts(deps(), {
      route: chatRoute(),
      provider,
      signal: client.signal,
      attempts,
      call: async () => ({ value: 1, ttftMs: null }),
    });
    await expect(run).rejects.toMatchObject({ code: 'client_closed' });
    expect(attempts).toEqual([]);
  });
});
