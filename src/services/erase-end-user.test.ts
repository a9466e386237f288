import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import { SeededRandom } from '../../test/doubles/seeded-random.js';
import type { EraseEndUserOptions } from '../ports/log-retention.js';
import { makeEraseEndUser } from './erase-end-user.js';

function setUp() {
  const calls: EraseEndUserOptions[] = [];
  const clock = new ManualClock();
  const store = {
    eraseEndUser(options: EraseEndUserOptions) {
      calls.push(options);
      return Promise.resolve({
        ...options.erasure,
        subjectHash: 'ab'.repeat(32),
        interactionsDeleted: 2,
        attemptsDeleted: 3,
      });
    },
  };
  return { calls, clock, erase: makeEraseEndUser({ store, clock, random: new SeededRandom(7) }) };
}

describe('makeEraseEndUser', () => {
  it('erases with a fresh erasure id, the current time and who asked', async () => {
    const { calls, clock, erase } = setUp();
    const record = await erase({ endUser: 'user-42', requestedBy: 'user:usr_1' });
    expect(calls).toEqual([
      { endUser: 'user-42', erasure: { id: record.id, at: clock.now(), requestedBy: 'user:usr_1' } },
    ]);
    expect(record.id).toMatch(/^era_/);
    expect(record).toMatchObject({ interactionsDeleted: 2, attemptsDeleted: 3 });
  });

  it('refuses an empty end-user id without touching the store', async () => {
    const { calls, erase } = setUp();
    await expect(erase({ endUser: '', requestedBy: 'user:usr_1' })).rejects.toMatchObject({
      code: 'invalid_request',
      param: 'endUser',
    });
    expect(calls).toEqual([]);
  });
});
