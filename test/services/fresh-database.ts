import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the services tests use, as in the PostgreSQL store's own tests. */
const SERVER_URL = process.env.SLIPWAY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A PostgreSQL database of its own for one test file, so that parallel runs never see each other's rows. */
export interface FreshDatabase {
  /** Connection URL of the new database. */
  url: string;
  /** Runs one statement on the new database and returns its rows. */
  query<Row extends object>(text: string, values?: unknown[]): Promise<Row[]>;
  /** Drops the database, ending the connections still open to it (the gateway's included). */
  drop(): Promise<void>;
}

async function onServer(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Creates `<prefix>_<random hex>` on the test server. Throws when the server is unreachable: a services test
 * fails rather than skips without its service.
 * @example const database = await createFreshDatabase('slipway_race'); … await database.drop();
 */
export async function createFreshDatabase(prefix: string): Promise<FreshDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await onServer(`create database "${name}"`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.href, max: 2 });
  pool.on('error', () => undefined);
  return {
    url: url.href,
    query: async <Row extends object>(text: string, values?: unknown[]) =>
      (await pool.query<Row>(text, values)).rows,
    drop: async () => {
      await pool.end();
      await onServer(`drop database if exists "${name}" with (force)`);
    },
  };
}
