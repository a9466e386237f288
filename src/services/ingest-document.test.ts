import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Gate } from '../../test/doubles/gate.js';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import { SeededRandom } from '../../test/doubles/seeded-random.js';
import { createDocumentParser } from '../adapters/document-parsers/index.js';
import { openSqliteStore } from '../adapters/storage/sqlite/index.js';
import { openEmbeddedVectorIndex } from '../adapters/vector/embedded/index.js';
import { accessFilterFor } from '../core/access/access-filter.js';
import { DEFAULT_CLASSIFICATION_LEVELS } from '../core/access/classification-levels.js';
import { SlipwayError } from '../core/errors.js';
import type { IngestionActor } from '../ports/document-catalog.js';
import type { Store } from '../ports/store.js';
import type { IndexedDocument, VectorIndex } from '../ports/vector-index.js';
import type { CreateEmbeddingsInput, CreateEmbeddingsResult } from './create-embeddings.js';
import type { AuditEntry } from './record-audit.js';
import type { DocumentsDeps } from './documents-deps.js';
import { makeIngestDocument } from './ingest-document.js';
import { makeDocumentManagement } from './manage-documents.js';
import { makeSetDocumentAccess } from './set-document-access.js';
import { makeStartIngestion } from './start-ingestion.js';

const ADMIN: IngestionActor = { kind: 'user', id: 'usr_1', role: 'admin', label: 'admin@example.com' };
const DEVELOPER: IngestionActor = { kind: 'api_key', id: 'key_2', role: 'developer', label: 'key_2' };
const levels = DEFAULT_CLASSIFICATION_LEVELS;
const finance = accessFilterFor(
  { kind: 'end_user', userId: 'f', groups: ['finance'], roles: [], clearance: 'restricted' },
  levels,
);
const anyone = accessFilterFor({ kind: 'anonymous' }, levels);

/** The index, with each `replaceDocument` stopping at `gate` before or after its write. */
function indexStoppingAt(index: VectorIndex, gate: Gate, when: 'before' | 'after'): VectorIndex {
  return new Proxy(index, {
    get(target, property) {
      if (property !== 'replaceDocument') {
        const member: unknown = Reflect.get(target, property);
        return typeof member === 'function' ? member.bind(target) : member;
      }
      return async (document: IndexedDocument) => {
        if (when === 'before') await gate.wait();
        await target.replaceDocument(document);
        if (when === 'after') await gate.wait();
      };
    },
  });
}

/** Embeds a text as counts of a, e, o and other letters, or fails as told; records the inputs. */
class FakeEmbeddings {
  readonly inputs: string[][] = [];
  failure: SlipwayError | null = null;
  /** When set, each call waits here first. */
  gate: Gate | null = null;

  readonly create = async (input: CreateEmbeddingsInput): Promise<CreateEmbeddingsResult> => {
    const texts = Array.isArray(input.request.input) ? (input.request.input as string[]) : [];
    this.inputs.push(texts);
    if (this.gate !== null) await this.gate.wait();
    if (this.failure !== null) return Promise.reject(this.failure);
    const vector = (text: string) =>
      ['a', 'e', 'o'].map((letter) => text.split(letter).length).concat(text.length);
    return Promise.resolve({
      response: {
        object: 'list',
        model: input.request.model,
        usage: { prompt_tokens: 1, total_tokens: 1 },
        data: texts.map((text, index) => ({ object: 'embedding', index, embedding: vector(text) })),
      },
      interactionId: 'int_1',
      target: 'fake/fake',
      attempts: 1,
    });
  };
}

describe('document ingestion services', () => {
  let store: Store;
  let index: VectorIndex;
  let embeddings: FakeEmbeddings;
  let audit: AuditEntry[];
  let deps: DocumentsDeps;

  beforeEach(async () => {
    store = await openSqliteStore({ path: ':memory:' });
    index = openEmbeddedVectorIndex({ path: ':memory:' });
    embeddings = new FakeEmbeddings();
    audit = [];
    deps = {
      catalog: store,
      index,
      parser: createDocumentParser(),
      createEmbeddings: embeddings.create,
      callerOf: (actor) =>
        Promise.resolve({
          keyId: actor.id,
          projectId: 'prj_1',
          role: actor.role,
          allowedModels: null,
          limits: {},
        }),
      countTokens: (text) => text.split(/\s+/).filter(Boolean).length,
      sha256Hex: (content) => createHash('sha256').update(content).digest('hex'),
      clock: new ManualClock(),
      random: new SeededRandom(),
      recordAudit: (entry) => {
        audit.push(entry);
        return Promise.resolve();
      },
      settings: { embeddingModel: 'fake', chunkTokens: 16, overlapTokens: 4, embedBatchSize: 2, levels },
    };
    await index.createCollection({ name: 'handbook', dimension: 4 });
    await store.createCollection({ name: 'handbook', dimension: 4, embeddingModel: 'fake', createdAt: 0 });
  });

  afterEach(async () => {
    await index.close();
    await store.close();
  });

  const upload = (name: string, text: string, allow = ['group:finance']) =>
    makeStartIngestion(deps)({
      collection: 'handbook',
      files: [{ name, mediaType: null, content: new TextEncoder().encode(text) }],
      allow,
      classification: null,
      actor: ADMIN,
    });
  const run = (runId: string, documentId: string, finalAttempt = false) =>
    makeIngestDocument(deps)({ runId, documentId }, { finalAttempt, signal: new AbortController().signal });
  const search = async (filter = finance) =>
    (await index.search({ collection: 'handbook', vector: new Float32Array([1, 1, 1, 1]), k: 100, filter }))
      .chunks;
  const LONG = Array.from({ length: 12 }, (_, n) => `Sentence ${n} about the budget.`).join(' ');

  it('parses, chunks, embeds in batches and indexes a document, then records it', async () => {
    const started = await upload('notes/budget.md', `# Budget\n\n${LONG}`);
    expect(started).toMatchObject({ total: 1, done: 0, status: 'running' });
    await run(started.id, 'notes-budget.md');
    const chunks = await search();
    expect(chunks.length).toBeGreaterThan(2);
    expect(embeddings.inputs.every((batch) => batch.length <= 2)).toBe(true);
    await expect(search(anyone)).resolves.toEqual([]);
    expect(await store.getDocument('handbook', 'notes-budget.md')).toMatchObject({
      title: 'Budget',
      mediaType: 'text/markdown',
      chunkCount: chunks.length,
      status: 'ready',
      ingestedBy: 'admin@example.com',
    });
    expect(await store.getIngestionRun(started.id)).toMatchObject({
      done: 1,
      failed: 0,
      status: 'completed',
    });
    expect(audit.map((entry) => entry.action)).toEqual(['document.ingest']);
  });

  it('skips an item already handled and the same bytes under the same rule', async () => {
    const first = await upload('a.txt', LONG);
    await run(first.id, 'a.txt');
    await run(first.id, 'a.txt');
    const calls = embeddings.inputs.length;
    const second = await upload('a.txt', LONG);
    await run(second.id, 'a.txt');
    expect(embeddings.inputs.length).toBe(calls);
    expect(await store.getIngestionRun(second.id)).toMatchObject({ done: 1, status: 'completed' });
    const third = await upload('a.txt', LONG, ['everyone']);
    await run(third.id, 'a.txt');
    expect(embeddings.inputs.length).toBeGreaterThan(calls);
    expect((await search(anyone)).length).toBeGreaterThan(0);
  });

  it('replaces every chunk of a re-ingested document', async () => {
    await run((await upload('a.txt', LONG)).id, 'a.txt');
    await run((await upload('a.txt', 'Only one short sentence now.')).id, 'a.txt');
    expect((await search()).map((chunk) => chunk.text)).toEqual(['Only one short sentence now.']);
  });

  it('fails a corrupt document at once, keeping a failed catalog row and no chunks', async () => {
    const started = await upload('broken.pdf', 'not a pdf');
    await run(started.id, 'broken.pdf');
    expect(await store.getIngestionRun(started.id)).toMatchObject({ failed: 1, status: 'failed' });
    expect(await store.getDocument('handbook', 'broken.pdf')).toMatchObject({
      status: 'failed',
      chunkCount: 0,
    });
    expect((await store.getIngestionItem(started.id, 'broken.pdf'))?.error).toMatch(
      /Cannot read "broken\.pdf"/,
    );
  });

  it('throws an upstream failure for the queue to retry, and records it on the last attempt', async () => {
    await run((await upload('a.txt', LONG)).id, 'a.txt');
    embeddings.failure = new SlipwayError('upstream_unavailable', 'embedder down', { retryable: true });
    const started = await upload('a.txt', 'A new version.');
    await expect(run(started.id, 'a.txt')).rejects.toThrow('embedder down');
    expect(await store.getIngestionRun(started.id)).toMatchObject({ status: 'running' });
    await run(started.id, 'a.txt', true);
    expect(await store.getIngestionRun(started.id)).toMatchObject({ failed: 1, status: 'failed' });
    // The version already indexed stays searchable.
    expect((await search()).length).toBeGreaterThan(1);
    expect((await store.getDocument('handbook', 'a.txt'))?.status).toBe('ready');
  });

  it('refuses an upload with an unsupported file or an unknown collection, storing nothing', async () => {
    await expect(upload('image.png', 'x')).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(
      makeStartIngestion(deps)({
        collection: 'none',
        files: [],
        allow: ['everyone'],
        classification: null,
        actor: ADMIN,
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await store.claimUnpublished(10)).toEqual([]);
  });

  it('changes access in the index then the catalog, audited, for admins only', async () => {
    await run((await upload('a.txt', LONG)).id, 'a.txt');
    const setAccess = makeSetDocumentAccess(deps);
    const request = {
      collection: 'handbook',
      documentId: 'a.txt',
      allow: ['everyone'],
      classification: 'public',
    };
    await expect(setAccess({ ...request, actor: DEVELOPER })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(search(anyone)).resolves.toEqual([]);
    await setAccess({ ...request, actor: ADMIN });
    expect((await search(anyone)).length).toBeGreaterThan(0);
    expect((await store.getDocument('handbook', 'a.txt'))?.rule).toMatchObject({
      everyone: true,
      classification: 'public',
    });
    expect(audit.at(-1)).toMatchObject({ action: 'document.access_change', target: 'handbook/a.txt' });
    await expect(setAccess({ ...request, documentId: 'none', actor: ADMIN })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('deletes every chunk and the catalog row', async () => {
    await run((await upload('a.txt', LONG)).id, 'a.txt');
    const documents = makeDocumentManagement(deps);
    await documents.remove({ collection: 'handbook', documentId: 'a.txt', actor: ADMIN });
    await expect(search()).resolves.toEqual([]);
    await expect(store.getDocument('handbook', 'a.txt')).resolves.toBeNull();
    await expect(
      documents.remove({ collection: 'handbook', documentId: 'a.txt', actor: ADMIN }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  describe('deleting a document while it is being ingested', () => {
    const remove = (documentId: string) =>
      makeDocumentManagement(deps).remove({ collection: 'handbook', documentId, actor: ADMIN });
    const expectGone = async (runId: string) => {
      await expect(search()).resolves.toEqual([]);
      await expect(store.getDocument('handbook', 'a.txt')).resolves.toBeNull();
      expect(await store.getIngestionItem(runId, 'a.txt')).toMatchObject({ outcome: 'cancelled' });
      expect(await store.getIngestionRun(runId)).toMatchObject({
        done: 0,
        failed: 0,
        cancelled: 1,
        status: 'completed',
      });
      expect(audit.map((entry) => entry.action)).not.toContain('document.ingest');
    };

    it('does nothing in a job whose document was deleted before it ran; a new upload ingests again', async () => {
      const started = await upload('a.txt', LONG);
      await remove('a.txt');
      await run(started.id, 'a.txt');
      expect(embeddings.inputs).toEqual([]);
      await expectGone(started.id);
      expect(audit.at(-1)).toMatchObject({ action: 'document.delete', detail: { cancelledIngestions: 1 } });

      const again = await upload('a.txt', LONG);
      await run(again.id, 'a.txt');
      expect((await search()).length).toBeGreaterThan(0);
      expect((await store.getDocument('handbook', 'a.txt'))?.status).toBe('ready');
    });

    it('writes nothing to the index when the document is deleted while the job embeds it', async () => {
      const gate = new Gate();
      embeddings.gate = gate;
      const started = await upload('a.txt', LONG);
      const job = run(started.id, 'a.txt');
      await gate.reached;
      await remove('a.txt');
      // A re-upload indexed meanwhile would be lost to a late write, and to the removal that undoes it.
      embeddings.gate = null;
      const again = await upload('a.txt', 'Only one short sentence now.');
      await run(again.id, 'a.txt');
      gate.open();
      await job;
      expect((await search()).map((chunk) => chunk.text)).toEqual(['Only one short sentence now.']);
      expect(await store.getIngestionRun(started.id)).toMatchObject({ cancelled: 1, status: 'completed' });
      expect(await store.getIngestionRun(again.id)).toMatchObject({ done: 1, status: 'completed' });
    });

    it.each(['before', 'after'] as const)(
      'removes the document from the index again when it is deleted just %s the index write',
      async (when) => {
        const gate = new Gate();
        const started = await upload('a.txt', LONG);
        const job = makeIngestDocument({ ...deps, index: indexStoppingAt(index, gate, when) })(
          { runId: started.id, documentId: 'a.txt' },
          { finalAttempt: false, signal: new AbortController().signal },
        );
        await gate.reached;
        await remove('a.txt');
        await expect(search()).resolves.toEqual([]);
        gate.open();
        await job;
        await expectGone(started.id);
      },
    );

    it('keeps what a duplicate delivery of the job indexed when the other delivery finished first', async () => {
      const gate = new Gate();
      const started = await upload('a.txt', LONG);
      const late = makeIngestDocument({ ...deps, index: indexStoppingAt(index, gate, 'after') })(
        { runId: started.id, documentId: 'a.txt' },
        { finalAttempt: false, signal: new AbortController().signal },
      );
      await gate.reached;
      await run(started.id, 'a.txt');
      gate.open();
      await late;
      expect((await search()).length).toBeGreaterThan(0);
      expect(await store.getIngestionRun(started.id)).toMatchObject({ done: 1, status: 'completed' });
    });

    it('leaves nothing when the document is deleted after its job finished', async () => {
      const started = await upload('a.txt', LONG);
      await run(started.id, 'a.txt');
      await remove('a.txt');
      await expect(search()).resolves.toEqual([]);
      await expect(store.getDocument('handbook', 'a.txt')).resolves.toBeNull();
      expect(await store.getIngestionRun(started.id)).toMatchObject({ done: 1, cancelled: 0 });
      expect(audit.at(-1)).toMatchObject({ action: 'document.delete', detail: { cancelledIngestions: 0 } });
    });
  });
});
