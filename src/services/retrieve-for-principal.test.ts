import { describe, expect, it } from 'vitest';
import { DEFAULT_CLASSIFICATION_LEVELS } from '../core/access/classification-levels.js';
import { SlipwayError } from '../core/errors.js';
import type { Caller } from '../core/identity.js';
import type { VectorSearchRequest, VectorSearchResult } from '../ports/vector-index.js';
import type { AuditEntry } from './record-audit.js';
import { makeRetrieveForPrincipal } from './retrieve-for-principal.js';
import type { ResolvedPrincipal } from './resolve-principal.js';

const caller: Caller = {
  keyId: 'key_1',
  projectId: 'prj_1',
  role: 'member',
  allowedModels: null,
  limits: {},
} as unknown as Caller;
const actor = { kind: 'api_key', id: 'key_1', label: 'key_1' } as const;
const finance: ResolvedPrincipal = {
  principal: { kind: 'end_user', userId: 'ada', groups: ['finance'], roles: [], clearance: 'confidential' },
  source: 'directory',
  untrustedEndUser: null,
};
const anonymous: ResolvedPrincipal = {
  principal: { kind: 'anonymous' },
  source: 'anonymous',
  untrustedEndUser: 'mallory',
};

const found: VectorSearchResult = {
  chunks: [
    { documentId: 'q3.md', chunkIndex: 0, text: 'Revenue rose.', score: 0.9 },
    { documentId: 'q3.md', chunkIndex: 1, text: 'Costs fell.', score: 0.8 },
  ],
  decision: { path: 'exact', allowedChunks: 2, deniedChunks: 5, candidatesExamined: 2 },
};

function harness(search: (request: VectorSearchRequest) => Promise<VectorSearchResult>) {
  const audits: AuditEntry[] = [];
  const searches: VectorSearchRequest[] = [];
  const embedded: Array<{ model: string; input: unknown }> = [];
  const retrieve = makeRetrieveForPrincipal({
    catalog: {
      getCollection: (name) =>
        Promise.resolve(
          name === 'finance' ? { name, dimension: 2, embeddingModel: 'embed-small', createdAt: 0 } : null,
        ),
      getDocument: (collection, id) =>
        Promise.resolve(
          id === 'q3.md' ? ({ collection, id, title: 'Q3', sourceName: 'q3.md' } as never) : null,
        ),
    },
    index: {
      search(request) {
        searches.push(request);
        return search(request);
      },
    },
    createEmbeddings(input) {
      embedded.push({ model: input.request.model, input: input.request.input });
      return Promise.resolve({
        response: { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [1, 0] }] },
      } as never);
    },
    levels: DEFAULT_CLASSIFICATION_LEVELS,
    recordAudit: (entry) => {
      audits.push(entry);
      return Promise.resolve();
    },
    fingerprint: (text) => `fp(${text.length})`,
  });
  return { retrieve, audits, searches, embedded };
}

const ask = {
  collection: 'finance',
  query: 'How did Q3 go?',
  k: 4,
  caller,
  actor,
  surface: 'vector_store.search' as const,
  signal: new AbortController().signal,
};

describe('retrieve for principal', () => {
  it("embeds with the collection's model, searches with the principal's filter and audits once", async () => {
    const { retrieve, audits, searches, embedded } = harness(() => Promise.resolve(found));
    const result = await retrieve({ ...ask, principal: finance });
    expect(embedded).toEqual([{ model: 'embed-small', input: ['How did Q3 go?'] }]);
    expect(searches[0]?.filter).toMatchObject({
      userId: 'ada',
      groups: ['finance'],
      readableLevels: ['public', 'internal', 'confidential'],
    });
    expect(searches[0]?.k).toBe(4);
    expect(result.passages.map((passage) => [passage.text, passage.sourceName])).toEqual([
      ['Revenue rose.', 'q3.md'],
      ['Costs fell.', 'q3.md'],
    ]);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      action: 'retrieval.search',
      target: 'finance',
      detail: {
        endUser: 'ada',
        collection: 'finance',
        queryFingerprint: 'fp(14)',
        allowedChunks: 2,
        deniedChunks: 5,
        path: 'exact',
        documents: ['finance/q3.md'],
        returnedChunks: 2,
      },
    });
    expect(JSON.stringify(audits)).not.toContain('How did Q3 go?');
  });

  it('searches an anonymous principal as public-only and records the untrusted name', async () => {
    const { retrieve, audits, searches } = harness(() =>
      Promise.resolve({ chunks: [], decision: { ...found.decision, allowedChunks: 0 } }),
    );
    await retrieve({ ...ask, principal: anonymous });
    expect(searches[0]?.filter).toMatchObject({ userId: null, groups: [], readableLevels: ['public'] });
    expect(audits[0]?.detail).toMatchObject({ untrustedEndUser: 'mallory', documents: [] });
    expect(audits[0]?.detail).not.toHaveProperty('endUser');
  });

  it('fails closed when access cannot be evaluated, and audits the failure', async () => {
    const { retrieve, audits } = harness(() =>
      Promise.reject(new SlipwayError('internal_error', 'unknown classification')),
    );
    await expect(retrieve({ ...ask, principal: finance })).rejects.toMatchObject({ code: 'internal_error' });
    expect(audits).toEqual([expect.objectContaining({ outcome: 'failure' })]);
  });

  it('fails closed on a clearance the deployment does not know, before any search', async () => {
    const { retrieve, searches, audits } = harness(() => Promise.resolve(found));
    const stranger = {
      ...finance,
      principal: { ...finance.principal, clearance: 'cosmic' },
    } as ResolvedPrincipal;
    await expect(retrieve({ ...ask, principal: stranger })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    expect(searches).toEqual([]);
    expect(audits[0]?.outcome).toBe('failure');
  });

  it('returns nothing when the audit event cannot be stored', async () => {
    const { retrieve } = harness(() => Promise.resolve(found));
    const failing = makeRetrieveForPrincipal({
      catalog: {
        getCollection: () =>
          Promise.resolve({ name: 'finance', dimension: 2, embeddingModel: 'e', createdAt: 0 }),
        getDocument: () => Promise.resolve(null),
      },
      index: { search: () => Promise.resolve(found) },
      createEmbeddings: () =>
        Promise.resolve({ response: { data: [{ index: 0, embedding: [1, 0] }] } } as never),
      levels: DEFAULT_CLASSIFICATION_LEVELS,
      recordAudit: () => Promise.reject(new SlipwayError('upstream_unavailable', 'store down')),
      fingerprint: (text) => text,
    });
    await expect(failing({ ...ask, principal: finance })).rejects.toMatchObject({
      code: 'upstream_unavailable',
    });
    await expect(retrieve({ ...ask, collection: 'nope', principal: finance })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(retrieve({ ...ask, k: 0, principal: finance })).rejects.toMatchObject({ param: 'k' });
  });
});
