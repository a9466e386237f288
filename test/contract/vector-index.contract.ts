import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VectorIndex } from '../../src/ports/vector-index.js';
import {
  aDocument,
  anonymous,
  freshCollectionName,
  ruleOf,
  userFilter,
  vectorOf,
  type OpenVectorIndex,
} from './vector-index-fixtures.js';
import { describeVectorIndexProperty, type VectorIndexPropertyOptions } from './vector-index.property.js';

const idsOf = (result: { chunks: { documentId: string }[] }): string[] =>
  result.chunks.map((chunk) => chunk.documentId);

/**
 * The VectorIndex contract (src/ports/vector-index.ts), run against every adapter: document-level security inside
 * the query, writes visible on the next search, fail-closed evaluation, and the fast-check property comparing
 * every answer with the reference `isAllowed`. `open` may be called several times (once per planner forcing);
 * every index it returns is closed at the end.
 */
export function describeVectorIndex(
  name: string,
  open: OpenVectorIndex,
  options: VectorIndexPropertyOptions = {},
): void {
  describe(`${name}: vector index`, () => {
    let index: VectorIndex;
    let forcedHnsw: VectorIndex;

    beforeAll(async () => {
      index = await open('auto');
      forcedHnsw = await open('hnsw');
    });

    afterAll(async () => {
      await index.close();
      await forcedHnsw.close();
    });

    async function aCollection(prefix: string, target: VectorIndex = index): Promise<string> {
      const collection = freshCollectionName(prefix);
      await target.createCollection({ name: collection, dimension: 4 });
      return collection;
    }

    it('creates a collection once per dimension and counts its live documents and chunks', async () => {
      const collection = await aCollection('create');
      await index.createCollection({ name: collection, dimension: 4 });
      await expect(index.createCollection({ name: collection, dimension: 8 })).rejects.toMatchObject({
        code: 'conflict',
      });
      await index.replaceDocument(
        aDocument(collection, 'a', { vectors: [vectorOf(1, 0, 0, 0), vectorOf(0, 1, 0, 0)] }),
      );
      await expect(index.getCollection(collection)).resolves.toEqual({
        name: collection,
        dimension: 4,
        documents: 1,
        chunks: 2,
      });
      await expect(index.getCollection(`${collection}-none`)).resolves.toBeNull();
    });

    it('returns the nearest allowed chunks with their text, best first, and the decision facts', async () => {
      const collection = await aCollection('nearest');
      await index.replaceDocument(aDocument(collection, 'east', { vectors: [vectorOf(1, 0, 0, 0)] }));
      await index.replaceDocument(aDocument(collection, 'north', { vectors: [vectorOf(0, 1, 0, 0)] }));
      await index.replaceDocument(aDocument(collection, 'northeast', { vectors: [vectorOf(1, 1, 0, 0)] }));
      const result = await index.search({
        collection,
        vector: vectorOf(1, 0.1, 0, 0),
        k: 2,
        filter: anonymous,
      });
      expect(
        result.chunks.map(({ documentId, chunkIndex, text }) => ({ documentId, chunkIndex, text })),
      ).toEqual([
        { documentId: 'east', chunkIndex: 0, text: 'east#0' },
        { documentId: 'northeast', chunkIndex: 0, text: 'northeast#0' },
      ]);
      expect(result.chunks[0]?.score).toBeCloseTo(1 / Math.sqrt(1.01), 5);
      expect(result.decision).toMatchObject({ allowedChunks: 3, deniedChunks: 0 });
      expect(result.decision.candidatesExamined).toBeGreaterThan(0);
    });

    it('replaces a document whole: the next search sees only the new chunks and rule', async () => {
      const collection = await aCollection('replace');
      await index.replaceDocument(
        aDocument(collection, 'doc', {
          vectors: [vectorOf(1, 0, 0, 0), vectorOf(0, 1, 0, 0), vectorOf(0, 0, 1, 0)],
        }),
      );
      await index.replaceDocument({
        collection,
        documentId: 'doc',
        rule: ruleOf({ groups: ['finance'] }),
        chunks: [{ index: 0, text: 'rewritten', vector: vectorOf(0, 0, 0, 1) }],
      });
      const finance = userFilter('u1', { groups: ['finance'] });
      const seen = await index.search({ collection, vector: vectorOf(1, 0, 0, 0), k: 10, filter: finance });
      expect(seen.chunks.map(({ chunkIndex, text }) => ({ chunkIndex, text }))).toEqual([
        { chunkIndex: 0, text: 'rewritten' },
      ]);
      const outsider = await index.search({
        collection,
        vector: vectorOf(1, 0, 0, 0),
        k: 10,
        filter: anonymous,
      });
      expect(outsider.chunks).toEqual([]);
      expect(outsider.decision).toMatchObject({ allowedChunks: 0, deniedChunks: 1 });
      await expect(index.getCollection(collection)).resolves.toMatchObject({ documents: 1, chunks: 1 });
    });

    it('deletes every chunk and vector of a document, visible on the next search', async () => {
      const collection = await aCollection('delete');
      await index.replaceDocument(
        aDocument(collection, 'gone', { vectors: [vectorOf(1, 0, 0, 0), vectorOf(1, 1, 0, 0)] }),
      );
      await index.replaceDocument(aDocument(collection, 'kept', { vectors: [vectorOf(0, 1, 0, 0)] }));
      await expect(index.deleteDocument({ collection, documentId: 'gone' })).resolves.toBe(true);
      const result = await index.search({
        collection,
        vector: vectorOf(1, 0, 0, 0),
        k: 10,
        filter: anonymous,
      });
      expect(idsOf(result)).toEqual(['kept']);
      await expect(index.getCollection(collection)).resolves.toMatchObject({ documents: 1, chunks: 1 });
      await expect(index.deleteDocument({ collection, documentId: 'gone' })).resolves.toBe(false);
    });

    it('applies an access-rule change on the very next search, both ways, without re-embedding', async () => {
      const collection = await aCollection('rule-change');
      const ref = { collection, documentId: 'memo' };
      await index.replaceDocument(aDocument(collection, 'memo', { rule: ruleOf({ groups: ['finance'] }) }));
      const engineer = userFilter('eve', { groups: ['engineering'] });
      const query = { collection, vector: vectorOf(1, 0, 0, 0), k: 5 };
      expect(idsOf(await index.search({ ...query, filter: engineer }))).toEqual([]);
      await index.setAccessRule(ref, ruleOf({ groups: ['engineering'] }));
      expect(idsOf(await index.search({ ...query, filter: engineer }))).toEqual(['memo']);
      await index.setAccessRule(ref, ruleOf({ users: ['someone-else'] }));
      expect(idsOf(await index.search({ ...query, filter: engineer }))).toEqual([]);
      await expect(index.setAccessRule({ collection, documentId: 'none' }, ruleOf())).rejects.toMatchObject({
        code: 'not_found',
      });
    });

    it('lets an anonymous principal see only documents allowed to everyone and public or unclassified', async () => {
      const collection = await aCollection('anonymous');
      const documents = {
        open: ruleOf({ everyone: true }),
        public: ruleOf({ everyone: true, classification: 'public' }),
        internal: ruleOf({ everyone: true, classification: 'internal' }),
        finance: ruleOf({ groups: ['finance'] }),
        nobody: ruleOf(),
      };
      for (const [documentId, rule] of Object.entries(documents)) {
        await index.replaceDocument(aDocument(collection, documentId, { rule }));
      }
      const result = await index.search({
        collection,
        vector: vectorOf(1, 0, 0, 0),
        k: 10,
        filter: anonymous,
      });
      expect(idsOf(result).sort()).toEqual(['open', 'public']);
      expect(result.decision).toMatchObject({ allowedChunks: 2, deniedChunks: 3 });
    });

    it('admits by user, group or role, and only up to the clearance; a rule naming nobody admits nobody', async () => {
      const collection = await aCollection('clearance');
      const documents = {
        mine: ruleOf({ users: ['ada'] }),
        team: ruleOf({ groups: ['finance'], classification: 'internal' }),
        role: ruleOf({ roles: ['auditor'], classification: 'confidential' }),
        secret: ruleOf({ groups: ['finance'], classification: 'restricted' }),
        nobody: ruleOf({ classification: 'public' }),
      };
      for (const [documentId, rule] of Object.entries(documents)) {
        await index.replaceDocument(aDocument(collection, documentId, { rule }));
      }
      const query = { collection, vector: vectorOf(1, 0, 0, 0), k: 10 };
      const ada = userFilter('ada', { groups: ['finance'], roles: ['auditor'], clearance: 'confidential' });
      expect(idsOf(await index.search({ ...query, filter: ada })).sort()).toEqual(['mine', 'role', 'team']);
      const uncleared = userFilter('ada', { groups: ['finance'], roles: ['auditor'] });
      expect(idsOf(await index.search({ ...query, filter: uncleared }))).toEqual(['mine']);
      const bob = userFilter('bob', { groups: ['finance'], clearance: 'restricted' });
      expect(idsOf(await index.search({ ...query, filter: bob })).sort()).toEqual(['secret', 'team']);
    });

    it('never returns a denied document, even when it is the nearest to the query', async () => {
      const collection = await aCollection('denied-nearest');
      await index.replaceDocument(
        aDocument(collection, 'payroll', {
          rule: ruleOf({ groups: ['finance'] }),
          vectors: [vectorOf(1, 0, 0, 0)],
        }),
      );
      await index.replaceDocument(aDocument(collection, 'handbook', { vectors: [vectorOf(0, 1, 0, 0)] }));
      const result = await index.search({
        collection,
        vector: vectorOf(1, 0, 0, 0),
        k: 1,
        filter: anonymous,
      });
      expect(idsOf(result)).toEqual(['handbook']);
    });

    for (const planner of ['auto', 'hnsw'] as const) {
      it(`returns k results whenever k allowed chunks exist, however far they are (${planner} planner)`, async () => {
        const target = planner === 'auto' ? index : forcedHnsw;
        const collection = await aCollection(`k-results-${planner}`, target);
        // 60 denied chunks crowd the query; the 5 allowed ones point the other way.
        for (let document = 0; document < 60; document += 1) {
          await target.replaceDocument(
            aDocument(collection, `denied-${document}`, {
              rule: ruleOf({ groups: ['finance'] }),
              vectors: [vectorOf(1, document / 60, 0, 0)],
            }),
          );
        }
        for (let document = 0; document < 5; document += 1) {
          await target.replaceDocument(
            aDocument(collection, `allowed-${document}`, { vectors: [vectorOf(-1, 0, document / 5, 0)] }),
          );
        }
        const result = await target.search({
          collection,
          vector: vectorOf(1, 0, 0, 0),
          k: 5,
          filter: anonymous,
        });
        expect(idsOf(result).sort()).toEqual([
          'allowed-0',
          'allowed-1',
          'allowed-2',
          'allowed-3',
          'allowed-4',
        ]);
        const fewer = await target.search({
          collection,
          vector: vectorOf(1, 0, 0, 0),
          k: 8,
          filter: anonymous,
        });
        expect(fewer.chunks).toHaveLength(5);
      });
    }

    it('rejects a vector of the wrong dimension, a bad k and an unknown collection with clear errors', async () => {
      const collection = await aCollection('invalid');
      await index.replaceDocument(aDocument(collection, 'doc'));
      const search = { collection, vector: vectorOf(1, 0, 0, 0), k: 3, filter: anonymous };
      await expect(index.search({ ...search, vector: vectorOf(1, 0, 0) })).rejects.toMatchObject({
        code: 'invalid_request',
        param: 'vector',
        message: expect.stringMatching(/3 dimensions.*4/),
      });
      await expect(index.search({ ...search, vector: vectorOf(1, Number.NaN, 0, 0) })).rejects.toMatchObject({
        code: 'invalid_request',
        param: 'vector',
      });
      await expect(index.search({ ...search, k: 0 })).rejects.toMatchObject({
        code: 'invalid_request',
        param: 'k',
      });
      await expect(index.search({ ...search, k: 2.5 })).rejects.toMatchObject({
        code: 'invalid_request',
        param: 'k',
      });
      await expect(index.search({ ...search, collection: `${collection}-none` })).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(
        index.replaceDocument(aDocument(collection, 'wide', { vectors: [vectorOf(1, 0, 0, 0, 0)] })),
      ).rejects.toMatchObject({ code: 'invalid_request' });
      await expect(
        index.replaceDocument({
          ...aDocument(collection, 'twice'),
          chunks: [...aDocument(collection, 'twice').chunks, ...aDocument(collection, 'twice').chunks],
        }),
      ).rejects.toMatchObject({ code: 'invalid_request' });
      await expect(index.replaceDocument(aDocument(`${collection}-none`, 'doc'))).rejects.toMatchObject({
        code: 'not_found',
      });
    });

    it('refuses a malformed rule and keeps the document as it was', async () => {
      const collection = await aCollection('malformed-rule');
      await index.replaceDocument(aDocument(collection, 'doc', { rule: ruleOf({ groups: ['finance'] }) }));
      const widened = { ...aDocument(collection, 'doc'), rule: { everyone: 'yes' } as never };
      await expect(index.replaceDocument(widened)).rejects.toMatchObject({ code: 'invalid_request' });
      await expect(
        index.setAccessRule({ collection, documentId: 'doc' }, { groups: [42] } as never),
      ).rejects.toMatchObject({ code: 'invalid_request' });
      const result = await index.search({
        collection,
        vector: vectorOf(1, 0, 0, 0),
        k: 5,
        filter: anonymous,
      });
      expect(result.chunks).toEqual([]);
    });

    it('fails closed when a rule naming the principal has a classification the deployment does not know', async () => {
      const collection = await aCollection('broken-rule');
      await index.replaceDocument(aDocument(collection, 'open'));
      await index.replaceDocument(
        aDocument(collection, 'legacy', {
          rule: ruleOf({ groups: ['finance'], classification: 'top-secret' }),
        }),
      );
      const query = { collection, vector: vectorOf(1, 0, 0, 0), k: 5 };
      await expect(
        index.search({
          ...query,
          filter: userFilter('ada', { groups: ['finance'], clearance: 'restricted' }),
        }),
      ).rejects.toMatchObject({ code: 'internal_error' });
      // Someone the broken rule does not name is unaffected by it.
      expect(idsOf(await index.search({ ...query, filter: anonymous }))).toEqual(['open']);
    });

    it('fails closed on a filter it cannot read', async () => {
      const collection = await aCollection('broken-filter');
      await index.replaceDocument(aDocument(collection, 'open'));
      const broken = { ...userFilter('ada'), groups: undefined } as never;
      await expect(
        index.search({ collection, vector: vectorOf(1, 0, 0, 0), k: 5, filter: broken }),
      ).rejects.toMatchObject({ code: 'internal_error' });
    });

    it('reads named chunks only when the principal may read them now, in the order asked', async () => {
      const collection = await aCollection('read');
      await index.replaceDocument(
        aDocument(collection, 'open', { vectors: [vectorOf(1, 0, 0, 0), vectorOf(0, 1, 0, 0)] }),
      );
      await index.replaceDocument(aDocument(collection, 'books', { rule: ruleOf({ groups: ['finance'] }) }));
      const wanted = [
        { documentId: 'books', chunkIndex: 0 },
        { documentId: 'open', chunkIndex: 1 },
        { documentId: 'gone', chunkIndex: 0 },
        { documentId: 'open', chunkIndex: 7 },
      ];
      const ada = userFilter('ada', { groups: ['finance'] });
      await expect(index.readChunks({ collection, chunks: wanted, filter: ada })).resolves.toEqual([
        { documentId: 'books', chunkIndex: 0, text: 'books#0' },
        { documentId: 'open', chunkIndex: 1, text: 'open#1' },
      ]);
      await expect(index.readChunks({ collection, chunks: wanted, filter: anonymous })).resolves.toEqual([
        { documentId: 'open', chunkIndex: 1, text: 'open#1' },
      ]);
      await index.setAccessRule({ collection, documentId: 'books' }, ruleOf({ groups: ['hr'] }));
      await expect(
        index.readChunks({ collection, chunks: wanted.slice(0, 1), filter: ada }),
      ).resolves.toEqual([]);
      await index.deleteDocument({ collection, documentId: 'open' });
      await expect(index.readChunks({ collection, chunks: wanted, filter: anonymous })).resolves.toEqual([]);
      await expect(
        index.readChunks({ collection: 'no-such-collection', chunks: wanted, filter: ada }),
      ).resolves.toEqual([]);
      await expect(
        index.readChunks({ collection, chunks: [{ documentId: 'open', chunkIndex: -1 }], filter: ada }),
      ).rejects.toMatchObject({ code: 'invalid_request', param: 'chunks' });
    });

    describeVectorIndexProperty(open, options);
  });
}
