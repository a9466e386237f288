import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { anInteraction } from '../../../../test/contract/store-fixtures.js';
import type { Database } from '../common/database.js';
import { toInteractionRow } from '../common/interaction-rows.js';
import { createInitialMigration } from '../common/migrations/0001-initial.js';
import { createTraceContextMigration } from '../common/migrations/0002-trace-context.js';
import { openSqliteStore } from './index.js';

const directory = mkdtempSync(join(tmpdir(), 'slipway-search-migration-'));

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('migration 0003-search on SQLite', () => {
  it('indexes the interactions logged before it, and keeps the index in step with deletes', async () => {
    const path = join(directory, 'slipway.db');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(path) }) });
    const migrations = {
      '0001-initial': createInitialMigration({ json: 'text' }),
      '0002-trace-context': createTraceContextMigration(),
    };
    await new Migrator({
      db,
      provider: { getMigrations: () => Promise.resolve(migrations) },
    }).migrateToLatest();
    for (const [id, content] of [
      ['int_old_1', 'Where is my parcel?'],
      ['int_old_2', 'Crème brûlée recipe'],
    ] as const) {
      const { search_text: _searchText, ...row } = toInteractionRow(
        anInteraction({ id, request: { messages: [{ role: 'user', content }] } }),
      );
      await db.insertInto('interactions').values(row).execute();
    }
    await db.destroy();

    const store = await openSqliteStore({ path });
    try {
      const ids = async (text: string) =>
        (await store.listInteractions({ limit: 10, text })).items.map((item) => item.id);
      expect(await ids('parcel')).toEqual(['int_old_1']);
      expect(await ids('creme brulee')).toEqual(['int_old_2']);
    } finally {
      await store.close();
    }
    const database = new BetterSqlite3(path);
    try {
      database.prepare("delete from interactions where id = 'int_old_1'").run();
      // 'integrity-check' fails when the index holds entries the content table does not, or misses some.
      database.prepare("insert into interactions_fts(interactions_fts) values ('integrity-check')").run();
      const matches = database
        .prepare(`select count(*) from interactions_fts where interactions_fts match '"parcel"'`)
        .pluck()
        .get();
      expect(matches).toBe(0);
    } finally {
      database.close();
    }
  });
});
