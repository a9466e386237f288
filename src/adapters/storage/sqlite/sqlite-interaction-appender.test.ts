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
  let path: string;

  beforeEach(async () => {
    path = join(directory, `appender-${++files}.db`);
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

  it('adds each stored record to the rollups once, however often a batch or later batches repeat it', async () => {
    const [first, second] = [anInteraction({ id: 'int_a', latencyMs: 10 }), anInteraction({ id: 'int_b' })];
    await store.appendInteractions([first, first, second]);
    await store.appendInteractions([second, first]);
    const sums = (table: string): unknown =>
      observer.prepare(`select sum(requests) from ${table}`).pluck().get();
    expect(sums('stats_minutes')).toBe(2);
    expect(sums('stats_hours')).toBe(2);
    const latencyCount = observer
      .prepare(`select sum(count) from stats_minute_histograms where kind = 'latency'`)
      .pluck()
      .get();
    expect(latencyCount).toBe(2);
  });

  it('makes every stored record searchable, in the index exactly as in the table, repeats included', async () => {
    const asking = (id: string, content: string) =>
      anInteraction({ id, request: { messages: [{ role: 'user', content }] } });
    const parcel = asking('int_parcel', 'Where is my parcel?');
    await store.appendInteractions([parcel, parcel, asking('int_atlas', 'The atlas of old maps')]);
    await store.appendInteractions([parcel]);
    const ids = async (text: string) =>
      (await store.listInteractions({ limit: 10, text })).items.map((item) => item.id);
    expect(await ids('parcel')).toEqual(['int_parcel']);
    expect(await ids('atlas maps')).toEqual(['int_atlas']);
    const checker = new BetterSqlite3(path);
    try {
      // Throws when the index misses a row of the table or holds one the table does not.
      checker.prepare("insert into interactions_fts(interactions_fts) values ('integrity-check')").run();
      const entries = checker.prepare(
        "select count(*) from interactions_fts where interactions_fts match 'parcel'",
      );
      expect(entries.pluck().get()).toBe(1);
    } finally {
      checker.close();
    }
  });
});
