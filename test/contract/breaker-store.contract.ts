import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLOSED_BREAKER, type BreakerState } from '../../src/core/circuit-breaker.js';
import type { StoredBreaker } from '../../src/ports/breaker-store.js';
import type { Store } from '../../src/ports/store.js';
import { T0 } from './store-fixtures.js';

const TARGET = 'mock/gpt-test';
const OPEN: BreakerState = { state: 'open', consecutiveFailures: 3, openedAt: T0, probeInFlight: false };

/** The BreakerStore contract (src/ports/breaker-store.ts), run on every store. */
export function describeBreakerStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`${name}: breaker store`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
    });

    const read = (target = TARGET) =>
      store.updateBreaker<StoredBreaker | null>({
        target,
        at: T0,
        step: (current) => ({ state: null, result: current }),
      });

    it('reads a target never updated as null, and a step with a null state writes nothing', async () => {
      await expect(read()).resolves.toBeNull();
      await store.updateBreaker({ target: TARGET, at: T0, step: () => ({ state: OPEN, result: undefined }) });
      await store.updateBreaker({
        target: TARGET,
        at: T0 + 7,
        step: () => ({ state: null, result: undefined }),
      });
      await expect(read()).resolves.toEqual({ target: TARGET, breaker: OPEN, changedAt: T0 });
    });

    it('stores the state a step returns, stamped with the time of the change, per target', async () => {
      const result = await store.updateBreaker({
        target: TARGET,
        at: T0 + 5,
        step: () => ({ state: OPEN, result: 'opened' }),
      });
      expect(result).toBe('opened');
      await expect(read()).resolves.toEqual({ target: TARGET, breaker: OPEN, changedAt: T0 + 5 });
      await expect(read('mock/other')).resolves.toBeNull();
      const probing: BreakerState = { ...OPEN, state: 'half_open', probeInFlight: true };
      await store.updateBreaker({
        target: TARGET,
        at: T0 + 9,
        step: () => ({ state: probing, result: null }),
      });
      await expect(read()).resolves.toEqual({ target: TARGET, breaker: probing, changedAt: T0 + 9 });
    });

    it('loses no update among concurrent read-decide-writes of one target', async () => {
      const increments = 25;
      await Promise.all(
        Array.from({ length: increments }, (_, index) =>
          store.updateBreaker({
            target: TARGET,
            at: T0 + index,
            step: (current) => {
              const breaker = current?.breaker ?? CLOSED_BREAKER;
              return {
                state: { ...breaker, consecutiveFailures: breaker.consecutiveFailures + 1 },
                result: undefined,
              };
            },
          }),
        ),
      );
      expect((await read())?.breaker.consecutiveFailures).toBe(increments);
    });

    it('rejects with the step error and keeps the stored state', async () => {
      await store.updateBreaker({ target: TARGET, at: T0, step: () => ({ state: OPEN, result: undefined }) });
      await expect(
        store.updateBreaker({
          target: TARGET,
          at: T0 + 1,
          step: () => {
            throw new Error('step failed');
          },
        }),
      ).rejects.toThrow('step failed');
      await expect(read()).resolves.toMatchObject({ breaker: OPEN, changedAt: T0 });
    });
  });
}
