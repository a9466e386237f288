import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStoreContract } from '../../../../test/contract/store.contract.js';
import { aCharge } from '../../../../test/contract/store-fixtures.js';
import type { Store } from '../../../ports/store.js';
import { openPostgresStore } from './index.js';

const url = process.env.SLIPWAY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const run = `slipway_test_${process.pid}_${Date.now().toString(36)}`;
const schemas: string[] = [];

/** Each store gets a schema of its own, dropped when the file is done. */
function freshSchema(): string {
  const schema = `${run}_${schemas.length}`;
  schemas.push(schema);
  return schema;
}

afterAll(async () => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
});

describeStoreContract('postgres', () => openPostgresStore({ url, schema: freshSchema(), poolSize: 8 }));

describe('postgres store', () => {
  it('fails to open when PostgreSQL is unreachable', async () => {
    await expect(openPostgresStore({ url: 'postgres://postgres@127.0.0.1:1/test' })).rejects.toThrow();
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(openPostgresStore({ url, schema: 'public; drop table x' })).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  it('lets several processes open one schema at once and share budgets exactly', async () => {
    const schema = freshSchema();
    const stores: Store[] = await Promise.all(
      [1, 2, 3].map(() => openPostgresStore({ url, schema, poolSize: 5 })),
    );
    try {
      const charge = aCharge({ counter: 'key:shared:rpm', limit: 75, amount: 1 });
      const outcomes = await Promise.all(
        Array.from({ length: 240 }, (_, index) => {
          const store = stores[index % stores.length] as Store;
          return store.reserve(`res_${index}`, [charge]);
        }),
      );
      expect(outcomes.filter((outcome) => outcome.granted)).toHaveLength(75);
      for (const store of stores) await expect(store.usage([charge])).resolves.toEqual([75]);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('stores JSON as JSONB and times as BIGINT', async () => {
    const schema = freshSchema();
    const store = await openPostgresStore({ url, schema });
    await store.close();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ column_name: string; data_type: string }>(
        `select column_name, data_type from information_schema.columns
          where table_schema = $1 and table_name = 'interactions' and column_name in ('request', 'started_at')
          order by column_name`,
        [schema],
      );
      expect(rows).toEqual([
        { column_name: 'request', data_type: 'jsonb' },
        { column_name: 'started_at', data_type: 'bigint' },
      ]);
    } finally {
      await client.end();
    }
  });
});
