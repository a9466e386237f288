import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aDocument,
  anonymous,
  ruleOf,
  userFilter,
  vectorOf,
} from '../../../../test/contract/vector-index-fixtures.js';
import type { AccessFilter } from '../../../core/access/access-filter.js';
import { openPgvectorIndex } from './index.js';
import type { PgvectorIndex } from './pgvector-index.js';
import { pgvectorIndexesForTest } from './pgvector-indexes-for-test.js';

const url = process.env.SLIPWAY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const indexes = pgvectorIndexesForTest(url);
const bypassRole = `slipway_test_bypass_${process.pid}`;

describe('pgvector: row-level security as the second wall', () => {
  let index: PgvectorIndex;
  let schema: string;
  let client: pg.Client;

  beforeAll(async () => {
    index = await indexes.openIndex();
    schema = index.options.names.schema;
    client = new pg.Client({ connectionString: url });
    await client.connect();
    await index.createCollection({ name: 'wall', dimension: 4 });
    await index.replaceDocument(aDocument('wall', 'open'));
    await index.replaceDocument(aDocument('wall', 'payroll', { rule: ruleOf({ groups: ['finance'] }) }));
    await index.replaceDocument(
      aDocument('wall', 'board', { rule: ruleOf({ users: ['ada'], classification: 'restricted' }) }),
    );
  });

  afterAll(async () => {
    await client.query(`DROP ROLE IF EXISTS ${bypassRole}`);
    await client.end();
    await index.close();
    await indexes.dropAll();
  });

  /** Reads every chunk with no WHERE clause at all, as the retrieval role, with (or without) a principal set. */
  async function readEverythingAs(filter: AccessFilter | null): Promise<string[]> {
    await client.query('BEGIN');
    try {
      if (filter) {
        await client.query(
          `SELECT set_config('slipway.principal_user', coalesce($1, ''), true),
                  set_config('slipway.principal_groups', $2::text[]::text, true),
                  set_config('slipway.principal_roles', $3::text[]::text, true),
                  set_config('slipway.principal_readable', $4::text[]::text, true)`,
          [filter.userId, filter.groups, filter.roles, filter.readableLevels],
        );
      }
      await client.query('SET LOCAL ROLE slipway_retrieval');
      const chunks = await client.query<{ document_id: string }>(
        `SELECT document_id FROM ${schema}.chunks ORDER BY document_id`,
      );
      const documents = await client.query<{ document_id: string }>(
        `SELECT document_id FROM ${schema}.documents ORDER BY document_id`,
      );
      expect(documents.rows).toEqual(chunks.rows);
      return chunks.rows.map((row) => row.document_id);
    } finally {
      await client.query('ROLLBACK');
    }
  }

  it('lets the retrieval role read only what the principal in the settings may, with no WHERE clause', async () => {
    expect(await readEverythingAs(anonymous)).toEqual(['open']);
    expect(await readEverythingAs(userFilter('bob', { groups: ['finance'] }))).toEqual(['open', 'payroll']);
    expect(await readEverythingAs(userFilter('ada', { clearance: 'confidential' }))).toEqual(['open']);
    expect(await readEverythingAs(userFilter('ada', { clearance: 'restricted' }))).toEqual(['board', 'open']);
  });

  it('shows nothing at all to a query under the role that set no principal', async () => {
    expect(await readEverythingAs(null)).toEqual([]);
  });

  it('holds for the table owner too (FORCE), and the role can neither write nor skip the policies', async () => {
    const owner = await client.query<{ forced: boolean; enabled: boolean }>(
      `SELECT bool_and(relforcerowsecurity) AS forced, bool_and(relrowsecurity) AS enabled
         FROM pg_class WHERE relnamespace = $1::regnamespace AND relname IN ('documents', 'chunks')`,
      [schema.slice(1, -1)],
    );
    expect(owner.rows[0]).toEqual({ forced: true, enabled: true });
    await client.query('BEGIN');
    try {
      await client.query('SET LOCAL ROLE slipway_retrieval');
      await expect(
        client.query(`DELETE FROM ${schema}.chunks WHERE document_id = 'payroll'`),
      ).rejects.toThrow(/permission denied/);
    } finally {
      await client.query('ROLLBACK');
    }
    await client.query('BEGIN');
    try {
      await client.query('SET LOCAL ROLE slipway_retrieval');
      await expect(client.query('SET LOCAL row_security = off')).resolves.toBeDefined();
      // With row_security off, a query that policies would filter is an error, not an unfiltered read.
      await expect(client.query(`SELECT count(*) FROM ${schema}.chunks`)).rejects.toThrow(
        /row-level security/,
      );
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('searches under the retrieval role: a principal setting left behind never leaks to the next query', async () => {
    const query = { collection: 'wall', vector: vectorOf(1, 0, 0, 0), k: 5 };
    const finance = await index.search({ ...query, filter: userFilter('bob', { groups: ['finance'] }) });
    expect(finance.chunks.map((chunk) => chunk.documentId).sort()).toEqual(['open', 'payroll']);
    const after = await index.pool.query<{ role: string; groups: string | null }>(
      `SELECT current_user AS role, current_setting('slipway.principal_groups', true) AS groups`,
    );
    expect(after.rows[0]?.role).not.toBe('slipway_retrieval');
    expect(after.rows[0]?.groups ?? '').toBe('');
  });

  it('refuses to open when the retrieval role can bypass row-level security', async () => {
    await client.query(`DROP ROLE IF EXISTS ${bypassRole}`);
    await client.query(`CREATE ROLE ${bypassRole} NOLOGIN BYPASSRLS`);
    await expect(indexes.openIndex({ role: bypassRole })).rejects.toMatchObject({
      code: 'invalid_request',
      param: 'role',
      message: expect.stringMatching(/bypass row-level security/),
    });
    await client.query(`ALTER ROLE ${bypassRole} NOBYPASSRLS SUPERUSER`);
    await expect(indexes.openIndex({ role: bypassRole })).rejects.toMatchObject({ param: 'role' });
  });

  it('refuses a schema or role name that is not a plain identifier', async () => {
    await expect(openPgvectorIndex({ url, schema: 'x; drop table y' })).rejects.toMatchObject({
      code: 'invalid_request',
      param: 'schema',
    });
    await expect(openPgvectorIndex({ url, role: 'Retrieval' })).rejects.toMatchObject({ param: 'role' });
  });

  it('fails to open when PostgreSQL is unreachable', async () => {
    await expect(openPgvectorIndex({ url: 'postgres://postgres@127.0.0.1:1/test' })).rejects.toThrow();
  });
});
