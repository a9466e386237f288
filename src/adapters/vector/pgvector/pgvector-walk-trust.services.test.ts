import { afterAll, describe, expect, it } from 'vitest';
import { aDocument, ruleOf, userFilter, vectorOf } from '../../../../test/contract/vector-index-fixtures.js';
import type { VectorSearchResult } from '../../../ports/vector-index.js';
import type { PgvectorIndex } from './pgvector-index.js';
import { pgvectorIndexesForTest } from './pgvector-indexes-for-test.js';

const url = process.env.SLIPWAY_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const indexes = pgvectorIndexesForTest(url);

afterAll(() => indexes.dropAll());

/** 24 documents of two chunks each, in two groups, on vectors spread around the unit circle of two planes. */
async function load(index: PgvectorIndex, collection: string): Promise<void> {
  await index.createCollection({ name: collection, dimension: 4 });
  for (let document = 0; document < 24; document += 1) {
    const angle = (document * Math.PI) / 12;
    await index.replaceDocument(
      aDocument(collection, `d${document}`, {
        rule: ruleOf({ groups: [document % 2 === 0 ? 'finance' : 'audit'] }),
        vectors: [
          vectorOf(Math.cos(angle), Math.sin(angle), 0.1, 0),
          vectorOf(Math.cos(angle), 0, Math.sin(angle), 0.2),
        ],
      }),
    );
  }
}

const keysOf = (result: VectorSearchResult): string[] =>
  result.chunks.map((chunk) => `${chunk.documentId}#${chunk.chunkIndex}`);

describe('pgvector: between the exact and the walk sizes, a principal walks once its walks have matched', () => {
  it('answers the first 8 searches exactly (checking a walk beside each), then walks, and checks every 16th', async () => {
    const checked = await indexes.openIndex({ planner: 'checked' });
    const exact = await indexes.openIndex({ planner: 'exact' });
    try {
      await load(checked, 'trust');
      await load(exact, 'trust');
      const filter = userFilter('bo', { groups: ['finance'] });
      const paths: string[] = [];
      for (let search = 0; search < 24; search += 1) {
        const query = { collection: 'trust', vector: vectorOf(1, search / 24, 0.5, 0), k: 5, filter };
        const answer = await checked.search(query);
        const reference = await exact.search(query);
        expect(keysOf(answer)).toEqual(keysOf(reference));
        expect(answer.decision.allowedChunks).toBe(24);
        expect(answer.decision.deniedChunks).toBe(24);
        expect(answer.chunks.every((chunk) => Number(chunk.documentId.slice(1)) % 2 === 0)).toBe(true);
        paths.push(answer.decision.path);
      }
      const walks = Array<string>(15).fill('hnsw');
      expect(paths).toEqual([...Array<string>(8).fill('exact'), ...walks, 'exact']);
    } finally {
      await checked.close();
      await exact.close();
    }
  });

  it('follows a rule change at once while the walk is trusted: the count is taken again', async () => {
    const index = await indexes.openIndex({ planner: 'checked' });
    try {
      await load(index, 'changes');
      const filter = userFilter('bo', { groups: ['finance'] });
      const query = { collection: 'changes', vector: vectorOf(1, 0, 0.1, 0), k: 3, filter };
      for (let search = 0; search < 9; search += 1) await index.search(query);
      expect((await index.search(query)).decision.path).toBe('hnsw');
      await index.setAccessRule({ collection: 'changes', documentId: 'd0' }, ruleOf({ groups: ['audit'] }));
      const after = await index.search(query);
      expect(after.decision.allowedChunks).toBe(22);
      expect(after.chunks.map((chunk) => chunk.documentId)).not.toContain('d0');
    } finally {
      await index.close();
    }
  });
});
