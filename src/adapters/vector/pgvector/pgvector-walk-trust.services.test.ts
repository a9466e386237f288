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

/**
 * Finance may read two documents near the query, each with a zero-vector chunk (HNSW indexes no zero vector for a
 * cosine search, so every walk misses those) and six far ones; audit's documents are nearer still. The exact top 5
 * of a finance search is both near chunks, both zero chunks and the nearest far chunk (f5#1): a walk finds 3 of 5.
 */
async function loadWalkMisses(index: PgvectorIndex, collection: string): Promise<void> {
  await index.createCollection({ name: collection, dimension: 4 });
  const finance = ruleOf({ groups: ['finance'] });
  for (const near of [0, 1]) {
    await index.replaceDocument(
      aDocument(collection, `m${near}`, {
        rule: finance,
        vectors: [vectorOf(1, 0.1 * (near + 1), 0, 0), vectorOf(0, 0, 0, 0)],
      }),
    );
  }
  for (let far = 0; far < 6; far += 1) {
    await index.replaceDocument(
      aDocument(collection, `f${far}`, {
        rule: finance,
        vectors: [vectorOf(-1, 1 + far, 0, 0), vectorOf(-1, 1 + far, 0.1, 0)],
      }),
    );
  }
  for (let denied = 0; denied < 8; denied += 1) {
    await index.replaceDocument(
      aDocument(collection, `a${denied}`, {
        rule: ruleOf({ groups: ['audit'] }),
        vectors: [vectorOf(1, 0, 0, 0.01 * denied), vectorOf(1, 0.01 * denied, 0, 0)],
      }),
    );
  }
}

describe('pgvector: a principal whose walks miss is answered from its nearest documents once those have matched', () => {
  const filter = userFilter('bo', { groups: ['finance'] });
  const query = { collection: 'misses', vector: vectorOf(1, 0, 0, 0), k: 5, filter };

  it('compares only the chunks of the nearest documents within the budget, and follows a rule change at once', async () => {
    const checked = await indexes.openIndex({ planner: 'checked', documentsChunkBudget: 5 });
    const exact = await indexes.openIndex({ planner: 'exact' });
    try {
      await loadWalkMisses(checked, 'misses');
      await loadWalkMisses(exact, 'misses');
      const reference = await exact.search(query);
      expect(keysOf(reference)).toEqual(['m0#0', 'm1#0', 'm0#1', 'm1#1', 'f5#1']);
      const answers: VectorSearchResult[] = [];
      for (let search = 0; search < 24; search += 1) answers.push(await checked.search(query));
      for (const answer of answers) expect(keysOf(answer)).toEqual(keysOf(reference));
      const paths = answers.map((answer) => answer.decision.path);
      expect(paths).toEqual([
        ...Array<string>(8).fill('exact'),
        ...Array<string>(15).fill('documents'),
        'exact',
      ]);
      // m0, m1 and f5 (the nearest far document): 6 of the 16 allowed chunks, whether the SQL ranked the documents
      // (the first documents answer, which reads their centroids) or the process did from those (the others).
      for (const answer of answers.slice(8, 23)) {
        expect(answer.decision).toEqual({
          path: 'documents',
          allowedChunks: 16,
          deniedChunks: 16,
          candidatesExamined: 6,
        });
      }
      await checked.setAccessRule({ collection: 'misses', documentId: 'm0' }, ruleOf({ groups: ['audit'] }));
      const after = await checked.search(query);
      expect(after.decision.allowedChunks).toBe(14);
      expect(after.chunks.map((chunk) => chunk.documentId)).not.toContain('m0');
    } finally {
      await checked.close();
      await exact.close();
    }
  });

  it('ranks a re-ingested document by its new centroid on the next searches', async () => {
    const checked = await indexes.openIndex({ planner: 'checked', documentsChunkBudget: 5 });
    const exact = await indexes.openIndex({ planner: 'exact' });
    try {
      await loadWalkMisses(checked, 'misses');
      await loadWalkMisses(exact, 'misses');
      for (let search = 0; search < 10; search += 1) await checked.search(query);
      expect((await checked.search(query)).decision.path).toBe('documents');
      // f0 moves next to the query: its chunks now beat f5's, and only its new centroid ranks it near.
      for (const index of [checked, exact]) {
        await index.replaceDocument(
          aDocument('misses', 'f0', {
            rule: ruleOf({ groups: ['finance'] }),
            vectors: [vectorOf(1, 0.05, 0, 0), vectorOf(1, 0.35, 0, 0)],
          }),
        );
      }
      const reference = keysOf(await exact.search(query));
      expect(reference).toContain('f0#0');
      for (let search = 0; search < 4; search += 1) {
        const answer = await checked.search(query);
        expect(keysOf(answer)).toEqual(reference);
        expect(answer.decision.path).toBe('documents');
      }
    } finally {
      await checked.close();
      await exact.close();
    }
  });

  it('stays exact when the nearest documents miss too, and never answers short', async () => {
    // A budget of 4 chunks holds m0 and m1 only: 4 of the 5 chunks asked for.
    const index = await indexes.openIndex({ planner: 'checked', documentsChunkBudget: 4 });
    try {
      await loadWalkMisses(index, 'misses');
      const paths: string[] = [];
      for (let search = 0; search < 24; search += 1) {
        const answer = await index.search(query);
        expect(keysOf(answer)).toEqual(['m0#0', 'm1#0', 'm0#1', 'm1#1', 'f5#1']);
        paths.push(answer.decision.path);
      }
      expect(paths).toEqual(Array<string>(24).fill('exact'));
    } finally {
      await index.close();
    }
  });
});
