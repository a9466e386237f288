import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccessRule } from '../../src/core/access/access-rule.js';
import type { DocumentRecord } from '../../src/core/documents/document.js';
import type { IngestionItem, NewIngestionRun } from '../../src/ports/document-catalog.js';
import type { Store } from '../../src/ports/store.js';
import { T0 } from './store-fixtures.js';

const FINANCE: AccessRule = {
  everyone: false,
  users: [],
  groups: ['finance'],
  roles: [],
  classification: 'confidential',
};
const EVERYONE: AccessRule = { everyone: true, users: [], groups: [], roles: [], classification: null };

const aDocument = (overrides: Partial<DocumentRecord> = {}): DocumentRecord => ({
  collection: 'handbook',
  id: 'doc-1',
  title: 'Travel policy',
  sourceName: 'policies/travel.md',
  mediaType: 'text/markdown',
  bytes: 1234,
  contentHash: 'a'.repeat(64),
  chunkCount: 3,
  rule: FINANCE,
  status: 'ready',
  error: null,
  ingestedAt: T0,
  ingestedBy: 'admin@example.com',
  ...overrides,
});

const aRun = (overrides: Partial<NewIngestionRun> = {}): NewIngestionRun => ({
  id: 'ing_1',
  collection: 'handbook',
  actor: { kind: 'user', id: 'usr_1', role: 'admin', label: 'admin@example.com' },
  createdAt: T0,
  ...overrides,
});

const anItem = (documentId: string): Omit<IngestionItem, 'runId' | 'outcome' | 'error'> => ({
  documentId,
  title: documentId,
  sourceName: `${documentId}.txt`,
  mediaType: null,
  content: new Uint8Array([0, 1, 2, 250, 255]),
  rule: EVERYONE,
});

const ingestJob = (runId: string, documentId: string) => ({
  id: `docs-ingest:${runId}:${documentId}`,
  name: 'docs.ingest',
  payload: { runId, documentId },
});

/**
 * The DocumentCatalog contract (src/ports/document-catalog.ts), run against every storage adapter. `open` must
 * return a fresh, empty, migrated store each time.
 */
export function describeDocumentCatalogContract(name: string, open: () => Promise<Store>): void {
  describe(`${name}: document catalog`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
    });

    it('creates, reads and lists collections by name; a second of one name is a conflict', async () => {
      const handbook = {
        name: 'handbook',
        dimension: 384,
        embeddingModel: 'offline-hashed-ngrams',
        createdAt: T0,
      };
      await store.createCollection(handbook);
      await store.createCollection({ ...handbook, name: 'contracts', dimension: 8 });
      await expect(store.getCollection('handbook')).resolves.toEqual(handbook);
      await expect(store.getCollection('none')).resolves.toBeNull();
      expect((await store.listCollections()).map((collection) => collection.name)).toEqual([
        'contracts',
        'handbook',
      ]);
      await expect(store.createCollection(handbook)).rejects.toMatchObject({ code: 'conflict' });
    });

    it('puts, replaces, lists in id order, re-rules and deletes documents', async () => {
      await store.putDocument(aDocument({ id: 'doc-b' }));
      await store.putDocument(aDocument({ id: 'doc-a' }));
      await store.putDocument(aDocument({ id: 'doc-c', collection: 'other' }));
      const replaced = aDocument({
        id: 'doc-b',
        chunkCount: 9,
        status: 'failed',
        error: 'bad pdf',
        bytes: 9,
      });
      await store.putDocument(replaced);
      await expect(store.getDocument('handbook', 'doc-b')).resolves.toEqual(replaced);
      const ids = async (query: Parameters<Store['listDocuments']>[0]) =>
        (await store.listDocuments(query)).map((document) => document.id);
      await expect(ids({ collection: 'handbook', limit: 10 })).resolves.toEqual(['doc-a', 'doc-b']);
      await expect(ids({ collection: 'handbook', limit: 10, after: 'doc-a' })).resolves.toEqual(['doc-b']);
      await expect(ids({ collection: 'handbook', limit: 1 })).resolves.toEqual(['doc-a']);

      await expect(store.setDocumentRule('handbook', 'doc-a', EVERYONE)).resolves.toBe(true);
      await expect(store.setDocumentRule('handbook', 'none', EVERYONE)).resolves.toBe(false);
      expect((await store.getDocument('handbook', 'doc-a'))?.rule).toEqual(EVERYONE);

      await expect(store.deleteDocument('handbook', 'doc-a')).resolves.toBe(true);
      await expect(store.deleteDocument('handbook', 'doc-a')).resolves.toBe(false);
      await expect(store.getDocument('handbook', 'doc-a')).resolves.toBeNull();
      await expect(ids({ collection: 'other', limit: 10 })).resolves.toEqual(['doc-c']);
    });

    it('stores a run with its items and their jobs together, and none of them for a run id that exists', async () => {
      await store.createIngestionRun(
        aRun(),
        [anItem('a'), anItem('b')],
        [ingestJob('ing_1', 'a'), ingestJob('ing_1', 'b')],
      );
      await expect(
        store.createIngestionRun(aRun(), [anItem('c')], [ingestJob('ing_1', 'c')]),
      ).rejects.toMatchObject({ code: 'conflict' });
      expect((await store.claimUnpublished(10)).map((job) => [job.id, job.payload])).toEqual([
        ['docs-ingest:ing_1:a', { runId: 'ing_1', documentId: 'a' }],
        ['docs-ingest:ing_1:b', { runId: 'ing_1', documentId: 'b' }],
      ]);
      await expect(store.getIngestionItem('ing_1', 'c')).resolves.toBeNull();
      await expect(store.getIngestionItem('ing_1', 'a')).resolves.toEqual({
        runId: 'ing_1',
        ...anItem('a'),
        outcome: null,
        error: null,
      });
      await expect(store.getIngestionRun('ing_1')).resolves.toEqual({
        id: 'ing_1',
        collection: 'handbook',
        total: 2,
        done: 0,
        failed: 0,
        cancelled: 0,
        status: 'running',
        createdAt: T0,
        createdBy: 'admin@example.com',
        finishedAt: null,
        actor: aRun().actor,
      });
      await expect(store.getIngestionRun('none')).resolves.toBeNull();
    });

    it('records each item once, drops its bytes and counts the run from its items', async () => {
      await store.createIngestionRun(aRun(), [anItem('a'), anItem('b')], []);
      const finish = (documentId: string, outcome: 'done' | 'failed', at: number) =>
        store.finishIngestionItem({
          runId: 'ing_1',
          documentId,
          outcome,
          error: outcome === 'failed' ? 'corrupt' : null,
          at,
        });
      await expect(finish('a', 'done', T0 + 1)).resolves.toBe(true);
      await expect(finish('a', 'failed', T0 + 2)).resolves.toBe(false);
      expect(await store.getIngestionRun('ing_1')).toMatchObject({ done: 1, failed: 0, status: 'running' });
      expect(await store.getIngestionItem('ing_1', 'a')).toMatchObject({
        outcome: 'done',
        content: new Uint8Array(),
      });
      await expect(finish('b', 'failed', T0 + 3)).resolves.toBe(true);
      expect(await store.getIngestionRun('ing_1')).toMatchObject({
        done: 1,
        failed: 1,
        status: 'failed',
        finishedAt: T0 + 3,
      });
      expect(await store.getIngestionItem('ing_1', 'b')).toMatchObject({
        outcome: 'failed',
        error: 'corrupt',
      });
      await expect(finish('none', 'done', T0)).resolves.toBe(false);
    });

    it('puts the document with the outcome it records, and writes nothing for one it refuses', async () => {
      await store.createIngestionRun(aRun(), [anItem('doc-1')], []);
      const finish = (document: DocumentRecord) =>
        store.finishIngestionItem({
          runId: 'ing_1',
          documentId: 'doc-1',
          outcome: 'done',
          error: null,
          at: T0 + 1,
          document,
        });
      const indexed = aDocument();
      await expect(finish(indexed)).resolves.toBe(true);
      await expect(store.getDocument('handbook', 'doc-1')).resolves.toEqual(indexed);
      await expect(finish(aDocument({ chunkCount: 99 }))).resolves.toBe(false);
      await expect(store.getDocument('handbook', 'doc-1')).resolves.toEqual(indexed);
    });

    it("cancels a document's unfinished items in every run of its collection, and they refuse an outcome", async () => {
      await store.createIngestionRun(aRun(), [anItem('doc-1'), anItem('doc-2')], []);
      await store.createIngestionRun(aRun({ id: 'ing_2' }), [anItem('doc-1')], []);
      await store.createIngestionRun(aRun({ id: 'ing_3', collection: 'other' }), [anItem('doc-1')], []);
      await store.createIngestionRun(aRun({ id: 'ing_4' }), [anItem('doc-1')], []);
      const finish = (runId: string, documentId: string, document?: DocumentRecord) =>
        store.finishIngestionItem({
          runId,
          documentId,
          outcome: 'done',
          error: null,
          at: T0 + 1,
          ...(document === undefined ? {} : { document }),
        });
      await expect(finish('ing_1', 'doc-2')).resolves.toBe(true);
      await expect(finish('ing_4', 'doc-1')).resolves.toBe(true);

      const cancel = () =>
        store.cancelIngestionItems({ collection: 'handbook', documentId: 'doc-1', at: T0 + 5 });
      await expect(cancel()).resolves.toBe(2);
      await expect(cancel()).resolves.toBe(0);
      expect(await store.getIngestionItem('ing_1', 'doc-1')).toMatchObject({
        outcome: 'cancelled',
        error: null,
        content: new Uint8Array(),
      });
      await expect(finish('ing_2', 'doc-1', aDocument())).resolves.toBe(false);
      await expect(store.getDocument('handbook', 'doc-1')).resolves.toBeNull();
      expect(await store.getIngestionRun('ing_1')).toMatchObject({
        total: 2,
        done: 1,
        failed: 0,
        cancelled: 1,
        status: 'completed',
        finishedAt: T0 + 5,
      });
      expect(await store.getIngestionItem('ing_3', 'doc-1')).toMatchObject({ outcome: null });
      expect(await store.getIngestionItem('ing_4', 'doc-1')).toMatchObject({ outcome: 'done' });
    });

    it('ends with no document row whichever of a finish and a deletion (cancel, then delete) comes first', async () => {
      const ids = Array.from({ length: 24 }, (_, n) => `doc-${n}`);
      await store.createIngestionRun(aRun(), ids.map(anItem), []);
      const finish = (id: string) =>
        store.finishIngestionItem({
          runId: 'ing_1',
          documentId: id,
          outcome: 'done',
          error: null,
          at: T0 + 1,
          document: aDocument({ id }),
        });
      const remove = async (id: string) => {
        await store.cancelIngestionItems({ collection: 'handbook', documentId: id, at: T0 + 1 });
        await store.deleteDocument('handbook', id);
      };
      // Started together, so that on PostgreSQL they overlap on the pool's connections.
      await Promise.all(ids.flatMap((id) => [finish(id), remove(id)]));
      await expect(store.listDocuments({ collection: 'handbook', limit: 100 })).resolves.toEqual([]);
      const outcomes = await Promise.all(ids.map((id) => store.getIngestionItem('ing_1', id)));
      expect(outcomes.every((item) => item?.outcome === 'done' || item?.outcome === 'cancelled')).toBe(true);
    });
  });
}
