import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp, type ComposedApp } from '../../src/compose/compose-app.js';
import { loadConfigText } from '../../src/config/load-config.js';
import { createHttpApp } from '../../src/http/create-http-app.js';
import { createJobHandlerRegistry } from '../../src/worker/job-handler-registry.js';
import { startWorkers } from '../../src/worker/start-workers.js';
import { minimalPdf } from '../fixtures/documents/minimal-pdf.js';
import { expectOpenAiError } from './expect-openai-error.js';
import { sendRequest } from './send-request.js';

const CONFIG = `
queue:
  pollIntervalMs: 10
  backoff: { baseMs: 10, maxMs: 50 }
retrieval:
  chunkTokens: 64
  overlapTokens: 8
`;
const QUESTION = 'How much did revenue grow in the third quarter?';
const PDF = minimalPdf([['Q3 results', 'Revenue grew by twelve percent in the third quarter.']]);
const MARKDOWN = '# Revenue FAQ\n\nRevenue figures for each quarter are shared with all staff.\n';
const DOCX = readFileSync(new URL('../fixtures/documents/quarterly-revenue.docx', import.meta.url));
const POLL = { pollIntervalMs: 20 };

let dataDir: string;
let app: ComposedApp;
let baseUrl: string;
let adminKey: string;
let appKey: string;
let developerKey: string;
let stop: () => Promise<void>;
const ids: Record<'pdf' | 'markdown' | 'docx', string> = { pdf: '', markdown: '', docx: '' };

const clientOf = (apiKey: string, headers: Record<string, string> = {}) =>
  new OpenAI({ apiKey, baseURL: `${baseUrl}/v1`, defaultHeaders: headers, maxRetries: 0 });
const admin = () => clientOf(adminKey);

/** An admin-API `PUT` as the admin key; returns the status. */
async function put(path: string, body: unknown): Promise<number> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.body?.cancel();
  return response.status;
}

/** The file names a search by the end user returns from `reports`. */
async function visibleTo(user: string): Promise<string[]> {
  const page = await clientOf(appKey, { 'x-slipway-end-user': user }).vectorStores.search('reports', {
    query: QUESTION,
    max_num_results: 20,
  });
  return [...new Set(page.data.map((result) => result.filename))].sort();
}

/** Every chunk the vector index holds for `reports`, whoever may read them. */
async function indexedChunks(): Promise<number> {
  return (await app.retrieval.index.getCollection('reports'))?.chunks ?? -1;
}

/** The chunks the catalog lists for a document. */
async function chunksOf(documentId: string): Promise<number> {
  const answer = await sendRequest(baseUrl, { path: '/api/collections/reports/documents', key: adminKey });
  const documents = (answer.json() as { data: Array<{ id: string; chunkCount: number }> }).data;
  return documents.find((document) => document.id === documentId)?.chunkCount ?? 0;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'slipway-vector-store-files-'));
  const config = loadConfigText(CONFIG, {
    env: { SLIPWAY_DATA_DIR: dataDir, SLIPWAY_PORT: '0', SLIPWAY_LOG_FLUSH_MS: '10' },
    cwd: dataDir,
    file: null,
  });
  const errors: unknown[] = [];
  const logError = (_message: string, error: unknown) => errors.push(error);
  app = await composeApp(config, { logError });
  adminKey = (await app.keys.ensureBootstrapAdmin(null)).generatedSecret ?? '';
  appKey = (await app.keys.createApiKey({ name: 'helpdesk', role: 'app', actAsEndUser: true })).secret;
  developerKey = (await app.keys.createApiKey({ name: 'dev', role: 'developer' })).secret;
  const workers = await startWorkers(app, createJobHandlerRegistry(), logError);
  const http = createHttpApp({
    ...app,
    interactions: app.store,
    bodyLimitBytes: config.server.bodyLimitBytes,
    trustProxy: config.server.trustProxy,
    logError,
  });
  baseUrl = await http.listen({ host: '127.0.0.1', port: 0 });
  stop = async () => {
    await workers.stop();
    await http.close();
    await app.close();
  };
  for (const [id, groups, clearance] of [
    ['fiona', ['finance'], 'confidential'],
    ['ed', ['engineering'], 'internal'],
  ] as const) {
    expect(await put(`/api/principals/${id}`, { groups, clearance })).toBeLessThan(300);
  }
  await admin().vectorStores.create({ name: 'reports' });
});

afterAll(async () => {
  await stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("documents through OpenAI's Files and vector stores API", () => {
  it('uploads a PDF as bytes and gives the same bytes back, listed under its purpose', async () => {
    const file = await admin().files.create({
      file: await toFile(PDF, 'q3-results.pdf'),
      purpose: 'assistants',
    });
    ids.pdf = file.id;
    expect(file).toMatchObject({
      object: 'file',
      purpose: 'assistants',
      filename: 'q3-results.pdf',
      bytes: PDF.byteLength,
    });
    const content = await admin().files.content(file.id);
    expect(new Uint8Array(await content.arrayBuffer())).toEqual(PDF);
    expect((await admin().files.list({ purpose: 'assistants' })).data.map((entry) => entry.id)).toEqual([
      file.id,
    ]);
    expect((await admin().files.list({ purpose: 'batch' })).data).toEqual([]);
  });

  it('adds the PDF for the finance group and polls it to completed through the SDK', async () => {
    const added = await admin().vectorStores.files.create('reports', {
      file_id: ids.pdf,
      attributes: { slipway_allow: 'group:finance', slipway_classification: 'confidential' },
    });
    expect(added).toMatchObject({
      id: ids.pdf,
      object: 'vector_store.file',
      vector_store_id: 'reports',
      status: 'in_progress',
    });
    const done = await admin().vectorStores.files.poll('reports', ids.pdf, POLL);
    expect(done).toMatchObject({ status: 'completed', last_error: null, usage_bytes: PDF.byteLength });
    const again = await admin().vectorStores.files.retrieve(ids.pdf, { vector_store_id: 'reports' });
    expect(again.attributes).toEqual({
      slipway_allow: 'group:finance',
      slipway_classification: 'confidential',
    });
    expect(await visibleTo('fiona')).toEqual(['q3-results.pdf']);
    expect(await visibleTo('ed')).toEqual([]);
  });

  it('indexes a file added without a rule for nobody, until an admin grants access', async () => {
    const markdown = await admin().vectorStores.files.uploadAndPoll(
      'reports',
      await toFile(Buffer.from(MARKDOWN), 'revenue-faq.md'),
      POLL,
    );
    ids.markdown = markdown.id;
    expect(markdown).toMatchObject({ status: 'completed', attributes: {} });
    expect(await chunksOf(markdown.id)).toBeGreaterThan(0);
    expect(await visibleTo('fiona')).toEqual(['q3-results.pdf']);
    expect(await visibleTo('ed')).toEqual([]);
    const granted = await put(`/api/collections/reports/documents/${markdown.id}/access`, {
      allow: ['everyone'],
    });
    expect(granted).toBe(200);
    expect(await visibleTo('ed')).toEqual(['revenue-faq.md']);
  });

  it('adds a DOCX for one user and lists the store’s files', async () => {
    const docx = await admin().files.create({
      file: await toFile(DOCX, 'quarterly-revenue.docx'),
      purpose: 'user_data',
    });
    ids.docx = docx.id;
    await admin().vectorStores.files.createAndPoll(
      'reports',
      { file_id: docx.id, attributes: { slipway_allow: 'user:ed' } },
      POLL,
    );
    expect(await visibleTo('ed')).toEqual(['quarterly-revenue.docx', 'revenue-faq.md']);
    const listed = await admin().vectorStores.files.list('reports', { order: 'asc' });
    expect(listed.data.map((file) => [file.id, file.status])).toEqual([
      [ids.pdf, 'completed'],
      [ids.markdown, 'completed'],
      [ids.docx, 'completed'],
    ]);
    const page = await admin().vectorStores.files.list('reports', { limit: 1, after: ids.pdf, order: 'asc' });
    expect(page.data.map((file) => file.id)).toEqual([ids.markdown]);
  });

  it('removes every chunk of a vector-store file on delete, and keeps the file', async () => {
    const pdfChunks = await chunksOf(ids.pdf);
    expect(pdfChunks).toBeGreaterThan(0);
    const before = await indexedChunks();
    const deleted = await admin().vectorStores.files.delete(ids.pdf, { vector_store_id: 'reports' });
    expect(deleted).toEqual({ id: ids.pdf, object: 'vector_store.file.deleted', deleted: true });
    expect(await chunksOf(ids.pdf)).toBe(0);
    expect(await indexedChunks()).toBe(before - pdfChunks);
    expect(await visibleTo('fiona')).toEqual(['revenue-faq.md']);
    expect((await admin().files.retrieve(ids.pdf)).id).toBe(ids.pdf);
    await expect(
      admin().vectorStores.files.retrieve(ids.pdf, { vector_store_id: 'reports' }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('removes a deleted file from the vector stores it is in', async () => {
    const docxChunks = await chunksOf(ids.docx);
    const before = await indexedChunks();
    expect(await admin().files.delete(ids.docx)).toMatchObject({ id: ids.docx, deleted: true });
    expect(await chunksOf(ids.docx)).toBe(0);
    expect(await indexedChunks()).toBe(before - docxChunks);
    expect(await visibleTo('ed')).toEqual(['revenue-faq.md']);
    await expect(admin().files.content(ids.docx)).rejects.toMatchObject({ status: 404 });
  });

  it('refuses a bad purpose, an unsupported type and a batch file, in OpenAI’s error shape', async () => {
    await expect(
      admin().files.create({ file: await toFile(PDF, 'q3.pdf'), purpose: 'fine-tune' }),
    ).rejects.toMatchObject({ status: 400, code: 'invalid_request', param: 'purpose' });
    await expect(
      admin().files.create({ file: await toFile(Buffer.from('a,b'), 'table.csv'), purpose: 'assistants' }),
    ).rejects.toMatchObject({ status: 400, code: 'invalid_request', param: 'file' });
    const batchFile = await admin().files.create({
      file: await toFile(Buffer.from('{"custom_id":"1"}\n'), 'requests.jsonl'),
      purpose: 'batch',
    });
    const answer = await sendRequest(baseUrl, {
      path: '/v1/vector_stores/reports/files',
      key: adminKey,
      json: { file_id: batchFile.id },
    });
    expect(expectOpenAiError(answer, 'invalid_request').param).toBe('file_id');
    const badRule = await sendRequest(baseUrl, {
      path: '/v1/vector_stores/reports/files',
      key: adminKey,
      json: { file_id: ids.markdown, attributes: { slipway_allow: 'finance' } },
    });
    expect(expectOpenAiError(badRule, 'invalid_request').param).toBe('attributes.slipway_allow');
    const noStore = await sendRequest(baseUrl, {
      path: '/v1/vector_stores/nowhere/files',
      key: adminKey,
      json: { file_id: ids.markdown },
    });
    expectOpenAiError(noStore, 'not_found');
  });

  it('lets only keys with the manage permission add or remove vector-store files', async () => {
    const own = await clientOf(developerKey).files.create({
      file: await toFile(Buffer.from(MARKDOWN), 'mine.md'),
      purpose: 'assistants',
    });
    for (const key of [developerKey, appKey]) {
      const add = await sendRequest(baseUrl, {
        path: '/v1/vector_stores/reports/files',
        key,
        json: { file_id: own.id, attributes: { slipway_allow: 'everyone' } },
      });
      expectOpenAiError(add, 'forbidden');
      const remove = await sendRequest(baseUrl, {
        method: 'DELETE',
        path: `/v1/vector_stores/reports/files/${ids.markdown}`,
        key,
      });
      expectOpenAiError(remove, 'forbidden');
    }
    expect(await visibleTo('ed')).toEqual(['revenue-faq.md']);
  });
});
