import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { T0 } from '../../../../../test/contract/store-fixtures.js';
import { openSqliteStore } from '../../sqlite/index.js';
import type { Database } from '../database.js';
import { storeMigrations } from '../migrate-to-latest.js';

const directory = mkdtempSync(join(tmpdir(), 'slipway-audit-chain-'));

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('migration 0012-audit-chain', () => {
  it('chains the events recorded before it in time order, indexes their end users, and appends after them', async () => {
    const path = join(directory, 'backfill.db');
    const before = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new BetterSqlite3(path) }),
    });
    const migrator = new Migrator({
      db: before,
      provider: { getMigrations: () => Promise.resolve(storeMigrations({ columnTypes: { json: 'text' } })) },
    });
    expect((await migrator.migrateTo('0011-sqlite-rollups-per-batch')).error).toBeUndefined();
    // Written as the store wrote them before the chain; inserted out of time order on purpose.
    for (const n of [3, 1, 2]) {
      await before
        .insertInto('audit_events')
        .values({
          id: `aud_${n}`,
          at: T0 + n,
          actor_kind: 'user',
          actor_id: 'usr_1',
          actor_label: 'ada@example.com',
          action: 'auth.login',
          target: null,
          outcome: 'success',
          detail: JSON.stringify({ endUser: n === 2 ? 'u-2' : undefined, documents: ['doc_1'], n }),
        } as never)
        .execute();
    }
    await before.destroy();

    const after = await openSqliteStore({ path });
    try {
      await expect(after.verifyAuditChain()).resolves.toEqual({ ok: true, checked: 3 });
      const byUser = await after.listAuditEvents({ limit: 10, subject: 'u-2' });
      expect(byUser.items.map((event) => event.id)).toEqual(['aud_2']);
      const byDocument = await after.listAuditEvents({ limit: 10, document: 'doc_1' });
      expect(byDocument.items).toHaveLength(3);
      await after.appendAuditEvent({
        id: 'aud_4',
        at: T0 + 4,
        actor: { kind: 'anonymous', id: null, label: '?' },
        action: 'auth.login_failed',
        target: null,
        outcome: 'failure',
        detail: {},
      });
      await expect(after.verifyAuditChain()).resolves.toEqual({ ok: true, checked: 4 });
    } finally {
      await after.close();
    }
  });
});
