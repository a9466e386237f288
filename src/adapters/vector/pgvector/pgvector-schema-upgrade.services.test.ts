import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  aDocument,
  anonymous,
  ruleOf,
  userFilter,
  vectorOf,
} from '../../../../test/contract/vector-index-fixtures.js';
import type { PgvectorIndex } from './pgvector-index.js';
import { pgvectorIndexesForTest } from './pgvector-indexes-for-test.js';

const url = process.env.SLIPWAY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const indexes = pgvectorIndexesForTest(url);

describe('pgvector: schema version 2 (each chunk row carries its document’s rule)', () => {
  let client: pg.Client;

  beforeAll(async () => {
    client = new pg.Client({ connectionString: url });
    await client.connect();
  });

  afterAll(async () => {
    await client.end();
    await indexes.dropAll();
  });

  /** The rule columns of every chunk row, as the writer sees them. */
  async function chunkRules(schema: string): Promise<Array<{ document_id: string; allow_groups: string[] }>> {
    const found = await client.query<{ document_id: string; allow_groups: string[] }>(
      `SELECT document_id, allow_groups FROM ${schema}.chunks ORDER BY document_id, chunk_index`,
    );
    return found.rows;
  }

  it('copies a rule change onto every chunk of the document, in the same statement', async () => {
    const index = await indexes.openIndex();
    const { schema } = index.options.names;
    try {
      await index.createCollection({ name: 'copies', dimension: 4 });
      await index.replaceDocument(
        aDocument('copies', 'ledger', {
          rule: ruleOf({ groups: ['finance'] }),
          vectors: [vectorOf(1, 0, 0, 0), vectorOf(0, 1, 0, 0)],
        }),
      );
      expect(await chunkRules(schema)).toEqual([
        { document_id: 'ledger', allow_groups: ['finance'] },
        { document_id: 'ledger', allow_groups: ['finance'] },
      ]);
      await index.setAccessRule(
        { collection: 'copies', documentId: 'ledger' },
        ruleOf({ groups: ['audit'] }),
      );
      expect(await chunkRules(schema)).toEqual([
        { document_id: 'ledger', allow_groups: ['audit'] },
        { document_id: 'ledger', allow_groups: ['audit'] },
      ]);
      const query = { collection: 'copies', vector: vectorOf(1, 0, 0, 0), k: 5 };
      const finance = await index.search({ ...query, filter: userFilter('bo', { groups: ['finance'] }) });
      expect(finance.chunks).toEqual([]);
      const audit = await index.search({ ...query, filter: userFilter('cy', { groups: ['audit'] }) });
      expect(audit.chunks).toHaveLength(2);
    } finally {
      await index.close();
    }
  });

  it('upgrades a version 1 schema: chunk rows get their documents’ rules and the policies read them', async () => {
    const first = await indexes.openIndex();
    const { schema } = first.options.names;
    await first.createCollection({ name: 'old', dimension: 4 });
    await first.replaceDocument(aDocument('old', 'open'));
    await first.replaceDocument(aDocument('old', 'payroll', { rule: ruleOf({ groups: ['finance'] }) }));
    await first.close();
    // Back to version 1's shape: no rule columns on chunks, the policies of version 1 (stand-ins that
    // version 2 replaces), version 1 recorded. Version 3 runs again on top and must find its column there.
    await client.query(
      `ALTER TABLE ${schema}.chunks DROP COLUMN allow_everyone CASCADE, DROP COLUMN allow_users CASCADE,
         DROP COLUMN allow_groups CASCADE, DROP COLUMN allow_roles CASCADE, DROP COLUMN classification CASCADE`,
    );
    await client.query(`DROP POLICY IF EXISTS chunks_reader ON ${schema}.chunks`);
    await client.query(
      `CREATE POLICY chunks_reader ON ${schema}.chunks FOR SELECT TO slipway_retrieval USING (false)`,
    );
    await client.query(`DELETE FROM ${schema}.schema_version WHERE version >= 2`);

    const upgraded: PgvectorIndex = await indexes.openIndex({ schema: schema.slice(1, -1) });
    try {
      const versions = await client.query<{ version: number }>(
        `SELECT version FROM ${schema}.schema_version ORDER BY version`,
      );
      expect(versions.rows.map((row) => row.version)).toEqual([1, 2, 3, 4]);
      expect(await chunkRules(schema)).toEqual([
        { document_id: 'open', allow_groups: [] },
        { document_id: 'payroll', allow_groups: ['finance'] },
      ]);
      const query = { collection: 'old', vector: vectorOf(1, 0, 0, 0), k: 5 };
      const finance = await upgraded.search({ ...query, filter: userFilter('bo', { groups: ['finance'] }) });
      expect(finance.chunks.map((chunk) => chunk.documentId).sort()).toEqual(['open', 'payroll']);
      const nobody = await upgraded.search({ ...query, filter: anonymous });
      expect(nobody.chunks.map((chunk) => chunk.documentId)).toEqual(['open']);
    } finally {
      await upgraded.close();
    }
  });

  it('upgrades a version 3 schema: each document gets the centroid its writer would have written', async () => {
    const first = await indexes.openIndex();
    const { schema } = first.options.names;
    await first.createCollection({ name: 'centroids', dimension: 4 });
    await first.replaceDocument(
      aDocument('centroids', 'two', { vectors: [vectorOf(3, 0, 0, 0), vectorOf(0, 0, 0, 0.5)] }),
    );
    await first.replaceDocument(aDocument('centroids', 'zero', { vectors: [vectorOf(0, 0, 0, 0)] }));
    await first.close();
    const written = await centroids(schema);
    expect(written).toEqual([
      { document_id: 'two', centroid: '[0.5,0,0,0.5]' },
      { document_id: 'zero', centroid: '[0,0,0,0]' },
    ]);
    await client.query(`ALTER TABLE ${schema}.documents DROP COLUMN centroid`);
    await client.query(`DELETE FROM ${schema}.schema_version WHERE version >= 4`);

    const upgraded = await indexes.openIndex({ schema: schema.slice(1, -1) });
    try {
      expect(await centroids(schema)).toEqual(written);
    } finally {
      await upgraded.close();
    }
  });

  async function centroids(schema: string): Promise<Array<{ document_id: string; centroid: string }>> {
    const found = await client.query<{ document_id: string; centroid: string }>(
      `SELECT document_id, centroid::text AS centroid FROM ${schema}.documents ORDER BY document_id`,
    );
    return found.rows;
  }
});
