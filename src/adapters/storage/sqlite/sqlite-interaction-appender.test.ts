import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anAttempt, anInteraction, interactionSeries } from '../../../../test/contract/store-fixtures.js';
import type { Store } from '../../../ports/store.js';
import { openSqliteStore } from './index.js';

const directory = mkdtempSync(join(tmpdir(), 'slipway-sqlite-appender-'));
let files = 0;

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('sqlite interaction appender', () => {
  let store: Store;
  let observer: BetterSqlite3.Database;

  beforeEach(async () => {
    const path = join(directory, `appender-${++files}.db`);
    store = await openSqliteStore({ path });
    observer = new BetterSqlite3(path, { readonly: true });
  });

  afterEach(async () => {
    observer.close();
    await store.close();
  });

  const countOf = (table: 'interactions' | 'attempts'): unknown =>
    observer.prepare(`select count(*) from ${table}`).pluck().get();

  it('commits the whole batch before the call returns, so that no reservation waits behind it', async () => {
    const appending = store.appendInteractions(interactionSeries(600));
    expect(countOf('interactions')).toBe(600);
    expect(countOf('attempts')).toBe(600);
    await expect(appending).resolves.toBeUndefined();
  });

  it('ignores a record seen before even when it now carries more attempts', async () => {
    const first = anInteraction({ id: 'int_1', attempts: [anAttempt({ index: 0 })] });
    await store.appendInteractions([first]);
    await store.appendInteractions([
      { ...first, attempts: [anAttempt({ index: 0 }), anAttempt({ index: 1, providerId: 'azure' })] },
    ]);
    await expect(store.getInteraction('int_1')).resolves.toEqual(first);
    expect(countOf('attempts')).toBe(1);
  });
});
