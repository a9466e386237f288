import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { anInteraction, MINUTE, T0 } from '../../../../../test/contract/store-fixtures.js';
import { openSqliteStore } from '../../sqlite/index.js';
import { SQLITE_STORAGE_DIALECT } from '../../sqlite/sqlite-storage-dialect.js';
import type { Database } from '../database.js';
import { KyselyInteractionStore } from '../kysely-interaction-store.js';
import { storeMigrations } from '../migrate-to-latest.js';

const directory = mkdtempSync(join(tmpdir(), 'slipway-rollups-'));

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

const records = Array.from({ length: 30 }, (_, index) =>
  anInteraction({
    id: `int_${index}`,
    startedAt: T0 + index * 20_000,
    latencyMs: 100 + index,
    status: index % 10 === 0 ? 'error' : 'success',
  }),
);

const query = { since: T0, until: T0 + 60 * MINUTE, bucketMs: MINUTE, groupBy: 'model' as const };

describe('migrations 0006-rollups and 0011-sqlite-rollups-per-batch', () => {
  it('backfills the rollups from the interactions logged before it, then keeps counting new ones', async () => {
    const path = join(directory, 'backfill.db');
    // The schema as it was before 0006, with 20 interactions logged.
    const before = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new BetterSqlite3(path) }),
    });
    const migrator = new Migrator({
      db: before,
      provider: { getMigrations: () => Promise.resolve(storeMigrations({ columnTypes: { json: 'text' } })) },
    });
    expect((await migrator.migrateTo('0005-people')).error).toBeUndefined();
    await new KyselyInteractionStore(before, SQLITE_STORAGE_DIALECT).appendInteractions(records.slice(0, 20));
    await before.destroy();

    const after = await openSqliteStore({ path });
    try {
      const backfilled = await after.statsRollup(query);
      expect(backfilled.totals).toMatchObject({ requests: 20, errors: 2 });
      expect([...backfilled.totals.latencyBuckets.values()].reduce((sum, count) => sum + count, 0)).toBe(20);
      await after.appendInteractions(records);
      const grown = await after.statsRollup(query);
      expect(grown.totals).toMatchObject({ requests: 30, errors: 3 });
      expect(grown.series.reduce((sum, point) => sum + point.stats.requests, 0)).toBe(30);
    } finally {
      await after.close();
    }
  });

  it('leaves the rollups alone when interactions are deleted (retention, erasure)', async () => {
    const path = join(directory, 'retention.db');
    const store = await openSqliteStore({ path });
    await store.appendInteractions(records);
    await store.close();
    const database = new BetterSqlite3(path);
    database.exec('delete from attempts; delete from interactions;');
    database.close();
    const reopened = await openSqliteStore({ path });
    try {
      expect((await reopened.statsRollup(query)).totals.requests).toBe(30);
    } finally {
      await reopened.close();
    }
  });
});
