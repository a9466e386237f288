import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anApiKey, anInteraction, aProject } from '../../test/contract/store-fixtures.js';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import { openSqliteStore } from '../adapters/storage/sqlite/index.js';
import { buildLimitCharges } from '../core/limit-charges.js';
import type { Store } from '../ports/store.js';
import { makeKeyUsage } from './key-usage.js';

const NOW = Date.UTC(2025, 0, 15, 12, 7, 30);

let store: Store;
let usage: ReturnType<typeof makeKeyUsage>;

beforeEach(async () => {
  store = await openSqliteStore({ path: ':memory:' });
  usage = makeKeyUsage({
    store,
    clock: new ManualClock(NOW),
    keyLimitDefaults: { requestsPerMinute: 60, tokensPerMinute: 10_000 },
  });
  await store.createProject(aProject());
  await store.insertApiKey(anApiKey({ id: 'key_1', limits: { spendPerDayUsd: 2, tokensPerMinute: 500 } }));
});

afterEach(async () => {
  await store.close();
});

describe('key usage', () => {
  it('reads limited measures from the ledger, in the windows the gateway charges', async () => {
    const charges = buildLimitCharges({
      keyId: 'key_1',
      projectId: 'prj_1',
      endUser: null,
      keyLimits: { requestsPerMinute: 60, tokensPerMinute: 500, spendPerDayUsd: 2 },
      projectLimits: {},
      endUserLimits: {},
      tokens: 120,
      spendMicroUsd: 250_000,
      now: NOW,
    });
    await store.reserve('res_1', charges);
    const report = await usage.keyUsage({ keyId: 'key_1', projectScope: null });
    expect(report).toEqual({
      keyId: 'key_1',
      limits: { requestsPerMinute: 60, tokensPerMinute: 500, spendPerDayUsd: 2 },
      usage: { requestsThisMinute: 1, tokensThisMinute: 120, spendTodayUsd: 0.25, spendThisMonthUsd: 0 },
    });
  });

  it('adds up measures without a limit from the logged interactions of their window', async () => {
    await store.appendInteractions([
      anInteraction({ id: 'a', startedAt: NOW - 3_600_000, costUsd: 0.5 }),
      anInteraction({ id: 'b', startedAt: NOW - 10 * 86_400_000, costUsd: 1.5 }),
      anInteraction({ id: 'c', startedAt: Date.UTC(2024, 11, 31), costUsd: 9 }),
      anInteraction({ id: 'd', apiKeyId: 'key_other', startedAt: NOW, costUsd: 7 }),
    ]);
    const report = await usage.keyUsage({ keyId: 'key_1', projectScope: null });
    // The day's spend is limited (ledger, nothing reserved); the month's is not (2 logged in January).
    expect(report.usage.spendTodayUsd).toBe(0);
    expect(report.usage.spendThisMonthUsd).toBe(2);
  });

  it('answers not_found for a missing key and for another project’s key to a scoped caller', async () => {
    await expect(usage.keyUsage({ keyId: 'key_nope', projectScope: null })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(usage.keyUsage({ keyId: 'key_1', projectScope: 'prj_2' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(usage.keyUsage({ keyId: 'key_1', projectScope: 'prj_1' })).resolves.toMatchObject({
      keyId: 'key_1',
    });
  });
});
