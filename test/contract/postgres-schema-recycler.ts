import pg from 'pg';
import { openPostgresStore } from '../../src/adapters/storage/postgres/index.js';

/** Kysely's bookkeeping: what makes the schema count as migrated, kept as it is. */
const MIGRATOR_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);

interface SeedTable {
  table: string;
  /** The columns a row is written with: every column but the generated ones. */
  columns: string;
}

interface RecycledSchema {
  /** Takes the schema for the next test, emptied to its just-migrated rows; returns its name. */
  next: () => Promise<string>;
  /** The schemas to drop when the file is done: the store's, and the one holding its migrations' rows. */
  schemas: string[];
}

/**
 * One schema that the tests of a contract take in turn, each finding it as a freshly migrated store would: migrated
 * once, then emptied back to the rows its migrations wrote (the installation secret, the audit chain's head) before
 * every later test. Migrating a schema per test cost about half of each test's time, and left hundreds of schemas
 * for the file to drop at its end. The tests of a contract open one store at a time and close it before the next
 * test opens its own, so no store is ever open on the schema while it is being emptied. The migrations' rows are
 * copied once into a schema beside it (`<schema>_seed`).
 *
 * @example const recycled = recycledSchema(url, 'slipway_test_1_store');
 * const store = await openPostgresStore({ url, schema: await recycled.next() });
 */
export function recycledSchema(url: string, schema: string): RecycledSchema {
  let seeds: Promise<SeedTable[]> | undefined;
  return {
    schemas: [schema, seedSchemaOf(schema)],
    next: async () => {
      if (seeds === undefined) {
        seeds = migrateAndCopySeeds(url, schema);
        await seeds;
      } else {
        await emptyToSeeds(url, schema, await seeds);
      }
      return schema;
    },
  };
}

async function migrateAndCopySeeds(url: string, schema: string): Promise<SeedTable[]> {
  const store = await openPostgresStore({ url, schema, poolSize: 1 });
  await store.close();
  return withClient(url, async (client) => {
    await client.query(`CREATE SCHEMA "${seedSchemaOf(schema)}"`);
    const seeds: SeedTable[] = [];
    for (const table of await tablesOf(client, schema)) {
      const { rows } = await client.query<{ any: boolean }>(
        `SELECT EXISTS (SELECT FROM "${schema}"."${table}") AS any`,
      );
      if (rows[0]?.any !== true) continue;
      const columns = await client.query<{ name: string }>(
        `SELECT attname AS name FROM pg_attribute
          WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
          ORDER BY attnum`,
        [`"${schema}"."${table}"`],
      );
      const seed = { table, columns: columns.rows.map((column) => `"${column.name}"`).join(', ') };
      await client.query(
        `CREATE TABLE "${seedSchemaOf(schema)}"."${table}" AS SELECT ${seed.columns} FROM "${schema}"."${table}"`,
      );
      seeds.push(seed);
    }
    return seeds;
  });
}

async function emptyToSeeds(url: string, schema: string, seeds: SeedTable[]): Promise<void> {
  await withClient(url, async (client) => {
    const tables = await tablesOf(client, schema);
    await client.query('BEGIN');
    try {
      await client.query(
        `TRUNCATE ${tables.map((table) => `"${schema}"."${table}"`).join(', ')} RESTART IDENTITY CASCADE`,
      );
      for (const { table, columns } of seeds) {
        await client.query(
          `INSERT INTO "${schema}"."${table}" (${columns})
           SELECT ${columns} FROM "${seedSchemaOf(schema)}"."${table}"`,
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  });
}

function seedSchemaOf(schema: string): string {
  return `${schema}_seed`;
}

async function tablesOf(client: pg.Client, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
    [schema],
  );
  return rows.map((row) => row.name).filter((name) => !MIGRATOR_TABLES.has(name));
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}
