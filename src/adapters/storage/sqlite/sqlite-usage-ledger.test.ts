import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aCharge, MINUTE, T0 } from '../../../../test/contract/store-fixtures.js';
import type { Store } from '../../../ports/store.js';
import { openSqliteStore } from './index.js';

const directory = mkdtempSync(join(tmpdir(), 'slipway-sqlite-ledger-'));
let files = 0;

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('sqlite usage ledger', () => {
  let path: string;
  let store: Store;
  let observer: BetterSqlite3.Database;

  beforeEach(async () => {
    path = join(directory, `ledger-${++files}.db`);
    store = await openSqliteStore({ path });
    observer = new BetterSqlite3(path, { readonly: true });
  });

  afterEach(async () => {
    observer.close();
    await store.close();
  });

  const usedOf = (counter: string): unknown =>
    observer.prepare('select used from usage_counters where counter = ?').pluck().get(counter);

  it('commits a reservation and its settlement before the call returns, so that nothing queues behind them', async () => {
    const charge = aCharge({ counter: 'key:key_1:tpm', limit: 1_000, amount: 300 });
    const reserving = store.reserve('res_1', [charge]);
    expect(usedOf(charge.counter)).toBe(300);
    const settling = store.settle('res_1', { [charge.counter]: 120 });
    expect(usedOf(charge.counter)).toBe(120);
    await expect(reserving).resolves.toEqual({ granted: true });
    await expect(settling).resolves.toBeUndefined();
  });

  it('reports the window end the latest granted charge gave', async () => {
    const first = aCharge({ limit: 2, amount: 1, windowEnd: T0 + MINUTE });
    const moved = { ...first, windowEnd: T0 + 2 * MINUTE };
    await store.reserve('res_1', [first]);
    await store.reserve('res_2', [moved]);
    await expect(store.reserve('res_3', [first])).resolves.toEqual({
      granted: false,
      counter: first.counter,
      limit: 2,
      used: 2,
      windowEnd: T0 + 2 * MINUTE,
    });
  });
});
