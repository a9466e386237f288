import { Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlipwayError } from '../../../core/errors.js';
import { AutocommitSqliteDialect } from './autocommit-sqlite-dialect.js';
import { SqliteConnection } from './sqlite-connection.js';
import { cacheStatements } from './sqlite-statement-cache.js';

interface Numbers {
  numbers: { value: number };
}

describe('AutocommitSqliteDialect', () => {
  let db: Kysely<Numbers>;

  beforeEach(async () => {
    db = new Kysely<Numbers>({
      dialect: new AutocommitSqliteDialect({
        database: cacheStatements(SqliteConnection.open(':memory:'), 10),
      }),
    });
    await sql`create table numbers (value integer primary key)`.execute(db);
  });

  afterEach(async () => {
    await db.destroy();
  });

  it('runs single statements, each committed on its own', async () => {
    await db.insertInto('numbers').values({ value: 1 }).execute();
    await expect(db.insertInto('numbers').values({ value: 1 }).execute()).rejects.toThrow(/UNIQUE/);
    await expect(db.selectFrom('numbers').select('value').execute()).resolves.toEqual([{ value: 1 }]);
  });

  it('refuses a transaction, running none of it, and stays usable', async () => {
    for (const attempt of [
      () =>
        db
          .transaction()
          .execute((transaction) => transaction.insertInto('numbers').values({ value: 2 }).execute()),
      () => db.startTransaction().execute(),
    ]) {
      const error = await attempt().then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(SlipwayError);
      expect(error).toMatchObject({ code: 'internal_error' });
    }
    await db.insertInto('numbers').values({ value: 3 }).execute();
    await expect(db.selectFrom('numbers').select('value').execute()).resolves.toEqual([{ value: 3 }]);
  });
});
