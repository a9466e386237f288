import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  aDocument,
  anonymous,
  ruleOf,
  userFilter,
  vectorOf,
} from '../../../../test/contract/vector-index-fixtures.js';
import { openEmbeddedVectorIndex } from './index.js';

describe('embedded vector index: its file and its memory', () => {
  let directory: string;
  let path: string;

  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'slipway-vectors-'));
    path = join(directory, 'data', 'vectors.sqlite');
  });

  afterEach(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it('answers the same after a reopen: documents, rule changes and deletions are durable', async () => {
    const first = openEmbeddedVectorIndex({ path });
    await first.createCollection({ name: 'docs', dimension: 4 });
    await first.replaceDocument(
      aDocument('docs', 'plan', { rule: ruleOf({ groups: ['finance'], classification: 'internal' }) }),
    );
    await first.replaceDocument(
      aDocument('docs', 'memo', { vectors: [vectorOf(0, 1, 0, 0), vectorOf(1, 1, 0, 0)] }),
    );
    await first.replaceDocument(aDocument('docs', 'gone'));
    await first.setAccessRule({ collection: 'docs', documentId: 'memo' }, ruleOf({ users: ['ada'] }));
    await first.deleteDocument({ collection: 'docs', documentId: 'gone' });
    const query = { collection: 'docs', vector: vectorOf(1, 0, 0, 0), k: 10 };
    const ada = userFilter('ada', { groups: ['finance'], clearance: 'internal' });
    const before = await first.search({ ...query, filter: ada });
    await first.close();

    const second = openEmbeddedVectorIndex({ path });
    await expect(second.getCollection('docs')).resolves.toEqual({
      name: 'docs',
      dimension: 4,
      documents: 2,
      chunks: 3,
    });
    const after = await second.search({ ...query, filter: ada });
    expect(after).toEqual(before);
    expect(after.chunks.map((chunk) => chunk.text)).toEqual(['plan#0', 'memo#1', 'memo#0']);
    await expect(second.search({ ...query, filter: anonymous })).resolves.toMatchObject({ chunks: [] });
    await second.close();
    await expect(second.search({ ...query, filter: ada })).rejects.toMatchObject({ code: 'internal_error' });
  });

  it('stays correct through compaction after many replacements, on both planner paths', async () => {
    for (const forcing of [{}, { hnswMinChunks: 0, exactMaxChunks: 0 }]) {
      const index = openEmbeddedVectorIndex({ path: ':memory:', ...forcing });
      await index.createCollection({ name: 'churn', dimension: 4 });
      await index.replaceDocument(aDocument('churn', 'still', { vectors: [vectorOf(1, 0, 0.5, 0)] }));
      const query = { collection: 'churn', vector: vectorOf(1, 0, 0, 0), k: 2, filter: anonymous };
      // Each replacement leaves dead slots; past 1,024 of them the collection is copied without them.
      for (let round = 0; round < 1_200; round += 1) {
        await index.replaceDocument(
          aDocument('churn', 'hot', { vectors: [vectorOf(1, round / 1_200, 0, 0), vectorOf(0, 0, 1, 0)] }),
        );
        if (round % 300 === 0) await index.search(query);
      }
      const result = await index.search(query);
      expect(result.chunks.map(({ documentId, chunkIndex }) => `${documentId}#${chunkIndex}`)).toEqual([
        'still#0',
        'hot#0',
      ]);
      await expect(index.getCollection('churn')).resolves.toMatchObject({ documents: 2, chunks: 3 });
      await index.close();
    }
  });

  it('refuses a file written by a newer schema', async () => {
    await openEmbeddedVectorIndex({ path }).close();
    const database = new BetterSqlite3(path);
    database.pragma('user_version = 99');
    database.close();
    expect(() => openEmbeddedVectorIndex({ path })).toThrow(/schema version 99/);
  });
});
