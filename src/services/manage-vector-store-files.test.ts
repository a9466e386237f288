import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Gate } from '../../test/doubles/gate.js';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import { SeededRandom } from '../../test/doubles/seeded-random.js';
import { createDocumentParser } from '../adapters/document-parsers/index.js';
import { openSqliteStore } from '../adapters/storage/sqlite/index.js';
import { openEmbeddedVectorIndex } from '../adapters/vector/embedded/index.js';
import { DEFAULT_CLASSIFICATION_LEVELS } from '../core/access/classification-levels.js';
import type { Caller } from '../core/identity.js';
import type { Store } from '../ports/store.js';
import type { VectorIndex } from '../ports/vector-index.js';
import type { CreateEmbeddingsInput, CreateEmbeddingsResult } from './create-embeddings.js';
import type { DocumentsDeps } from './documents-deps.js';
import { makeIngestDocument } from './ingest-document.js';
import { makeDocumentFiles } from './manage-document-files.js';
import { makeDocumentManagement } from './manage-documents.js';
import { makeVectorStoreFiles } from './manage-vector-store-files.js';
import { makeStartIngestion } from './start-ingestion.js';

const ADMIN: Caller = {
  keyId: 'key_admin',
  projectId: 'prj_1',
  role: 'admin',
  allowedModels: null,
  limits: {},
};
const DEVELOPER: Caller = { ...ADMIN, keyId: 'key_dev', role: 'developer' };
const OTHER_PROJECT: Caller = { ...ADMIN, keyId: 'key_other', projectId: 'prj_2' };
const levels = DEFAULT_CLASSIFICATION_LEVELS;
const TEXT = new TextEncoder().encode('Revenue grew by twelve percent in the third quarter.');

/** Embeds every text as the same vector: these tests are about lifecycle, not ranking. */
const embed = (input: CreateEmbeddingsInput): Promise<CreateEmbeddingsResult> => {
  const texts = input.request.input as string[];
  return Promise.resolve({
    response: {
      object: 'list',
      model: input.request.model,
      usage: { prompt_tokens: 1, total_tokens: 1 },
      data: texts.map((_, index) => ({ object: 'embedding', index, embedding: [1, 0, 0, 1] })),
    },
    interactionId: 'int_1',
    target: 'fake/fake',
    attempts: 1,
  });
};

describe('vector-store files', () => {
  let store: Store;
  let index: VectorIndex;
  let deps: DocumentsDeps;

  beforeEach(async () => {
    store = await openSqliteStore({ path: ':memory:' });
    index = openEmbeddedVectorIndex({ path: ':memory:' });
    deps = {
      catalog: store,
      index,
      parser: createDocumentParser(),
      createEmbeddings: embed,
      callerOf: () => Promise.resolve(ADMIN),
      countTokens: (text) => text.split(/\s+/).filter(Boolean).length,
      sha256Hex: (content) => createHash('sha256').update(content).digest('hex'),
      clock: new ManualClock(),
      random: new SeededRandom(),
      recordAudit: () => Promise.resolve(),
      settings: { embeddingModel: 'fake', chunkTokens: 16, overlapTokens: 4, embedBatchSize: 2, levels },
    };
    await index.createCollection({ name: 'reports', dimension: 4 });
    await store.createCollection({ name: 'reports', dimension: 4, embeddingModel: 'fake', createdAt: 0 });
  });

  afterEach(async () => {
    await index.close();
    await store.close();
  });

  function services() {
    const documents = makeDocumentManagement(deps);
    const attachments = makeVectorStoreFiles({
      store,
      collections: {
        get: async (name) => (await store.getCollection(name)) ?? Promise.reject(new Error(name)),
      },
      startIngestion: makeStartIngestion(deps),
      removeDocument: (input) => documents.remove(input),
      levels,
      clock: deps.clock,
    });
    const files = makeDocumentFiles({
      store,
      parser: deps.parser,
      clock: deps.clock,
      random: deps.random,
      maxFileBytes: 1_000,
      removeFromVectorStore: (input) => attachments.remove(input),
    });
    return { attachments, files, documents };
  }
  const runJob = (runId: string, fileId: string) =>
    makeIngestDocument(deps)(
      { runId, documentId: fileId },
      { finalAttempt: true, signal: new AbortController().signal },
    );

  /** Uploads `content` as `filename` and attaches it to the `reports` vector store, as an admin. */
  async function attachFile(
    { attachments, files }: Pick<ReturnType<typeof services>, 'attachments' | 'files'>,
    { filename = 'q3.txt', content = TEXT }: { filename?: string; content?: Uint8Array } = {},
  ) {
    const file = await files.upload({ caller: ADMIN, filename, purpose: 'assistants', content });
    const added = await attachments.add({
      caller: ADMIN,
      collection: 'reports',
      fileId: file.id,
      attributes: {},
    });
    return { file, added };
  }

  it('reports progress from the ingestion: in progress, then completed with the bytes indexed', async () => {
    const { attachments, files } = services();
    const { file, added } = await attachFile({ attachments, files });
    expect(added).toMatchObject({ status: 'in_progress', usageBytes: 0 });
    await runJob(added.runId, file.id);
    expect(await attachments.get('reports', file.id)).toMatchObject({
      status: 'completed',
      error: null,
      usageBytes: TEXT.byteLength,
    });
    expect((await index.getCollection('reports'))?.documents).toBe(1);
  });

  it('never indexes a file removed before its job ran', async () => {
    const { attachments, files } = services();
    const { file, added } = await attachFile({ attachments, files });
    await attachments.remove({ caller: ADMIN, collection: 'reports', fileId: file.id });
    await runJob(added.runId, file.id);
    expect((await index.getCollection('reports'))?.documents).toBe(0);
    await expect(attachments.get('reports', file.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('never indexes a file removed while its job embeds it', async () => {
    const gate = new Gate();
    deps.createEmbeddings = async (input) => {
      await gate.wait();
      return embed(input);
    };
    const { attachments, files } = services();
    const { file, added } = await attachFile({ attachments, files });
    const job = runJob(added.runId, file.id);
    await gate.reached;
    await attachments.remove({ caller: ADMIN, collection: 'reports', fileId: file.id });
    gate.open();
    await job;
    expect((await index.getCollection('reports'))?.documents).toBe(0);
    await expect(store.getDocument('reports', file.id)).resolves.toBeNull();
    expect(await store.getIngestionItem(added.runId, file.id)).toMatchObject({ outcome: 'cancelled' });
  });

  it('reports a file whose document was deleted before it was indexed as cancelled, with no error', async () => {
    const { attachments, files, documents } = services();
    const { file, added } = await attachFile({ attachments, files });
    await documents.remove({
      collection: 'reports',
      documentId: file.id,
      actor: { kind: 'api_key', id: ADMIN.keyId, role: 'admin', label: ADMIN.keyId },
    });
    await runJob(added.runId, file.id);
    expect(await attachments.get('reports', file.id)).toMatchObject({
      status: 'cancelled',
      error: null,
      usageBytes: 0,
    });
    expect((await index.getCollection('reports'))?.documents).toBe(0);
  });

  it('reports a file that cannot be read as failed, with the reason', async () => {
    const { attachments, files } = services();
    const broken = new TextEncoder().encode('%PDF-1.4 not really');
    const { file, added } = await attachFile({ attachments, files }, { filename: 'q3.pdf', content: broken });
    await runJob(added.runId, file.id);
    const view = await attachments.get('reports', file.id);
    expect(view.status).toBe('failed');
    expect(view.error).toMatch(/q3\.pdf/);
  });

  it('refuses non-admins, other projects’ files, oversized files and deleting an attached file without manage', async () => {
    const { attachments, files } = services();
    const file = await files.upload({
      caller: ADMIN,
      filename: 'q3.txt',
      purpose: 'assistants',
      content: TEXT,
    });
    const add = (caller: Caller) =>
      attachments.add({ caller, collection: 'reports', fileId: file.id, attributes: {} });
    await expect(add(DEVELOPER)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(add(OTHER_PROJECT)).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      files.upload({
        caller: ADMIN,
        filename: 'big.txt',
        purpose: 'assistants',
        content: new Uint8Array(1_001),
      }),
    ).rejects.toMatchObject({ code: 'payload_too_large' });
    await add(ADMIN);
    await expect(files.remove(DEVELOPER, file)).rejects.toMatchObject({ code: 'forbidden' });
    expect(await files.remove(ADMIN, file)).toEqual({ id: file.id, deleted: true });
    expect(await store.listCollectionsOfFile(file.id)).toEqual([]);
    expect(await store.readFileBlob(file.id)).toBeNull();
  });
});
