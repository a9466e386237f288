import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPostgresStore } from '../../src/adapters/storage/postgres/index.js';
import { openSqliteStore } from '../../src/adapters/storage/sqlite/index.js';
import type { Store } from '../../src/ports/store.js';

export const POSTGRES_URL =
  process.env.SLIPWAY_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A store the bench fills and measures, and how to get rid of it afterwards. */
export interface BenchStore {
  kind: 'sqlite' | 'postgres';
  /** Already holds the seeded log: measure only. */
  seeded: boolean;
  store: Store;
  /** Brings the planner's statistics up to date, as autovacuum would after a bulk load (PostgreSQL only). */
  analyze(): Promise<void>;
  /** Closes the store and deletes its data. */
  dispose(): Promise<void>;
}

/** A fresh SQLite file in a temporary directory. */
export async function openSqliteBenchStore(): Promise<BenchStore> {
  const directory = mkdtempSync(join(tmpdir(), 'slipway-bench-search-'));
  const store = await openSqliteStore({ path: join(directory, 'slipway.db') });
  return {
    kind: 'sqlite',
    seeded: false,
    store,
    // SQLite keeps no statistics unless told to, and the store never tells it: measure what it plans without.
    analyze: () => Promise.resolve(),
    dispose: async () => {
      await store.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/**
 * A private schema of the `test` database, dropped by `dispose`; or, given `reuseSchema`, a schema a previous
 * run left seeded (killed before its cleanup), measured again and left in place.
 */
export async function openPostgresBenchStore(reuseSchema?: string): Promise<BenchStore> {
  const schema = reuseSchema ?? `slipway_bench_search_${process.pid}`;
  const store = await openPostgresStore({ url: POSTGRES_URL, schema, poolSize: 4 });
  const withClient = async (statement: string): Promise<void> => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  return {
    kind: 'postgres',
    seeded: reuseSchema !== undefined,
    store,
    analyze: () => withClient(`analyze "${schema}".interactions`),
    dispose: async () => {
      await store.close();
      if (reuseSchema === undefined) await withClient(`drop schema if exists "${schema}" cascade`);
    },
  };
}
