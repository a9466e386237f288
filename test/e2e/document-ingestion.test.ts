import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { composeApp, type ComposedApp } from '../../src/compose/compose-app.js';
import { readCliSettings } from '../../src/config/cli-settings.js';
import { loadConfigText } from '../../src/config/load-config.js';
import { accessFilterFor } from '../../src/core/access/access-filter.js';
import type { Principal } from '../../src/core/access/principal.js';
import { createHttpApp } from '../../src/http/create-http-app.js';
import { createJobHandlerRegistry } from '../../src/worker/job-handler-registry.js';
import { startWorkers } from '../../src/worker/start-workers.js';
import { minimalPdf } from '../fixtures/documents/minimal-pdf.js';

const CONFIG = `
queue:
  pollIntervalMs: 10
  backoff: { baseMs: 10, maxMs: 50 }
retrieval:
  chunkTokens: 64
  overlapTokens: 8
`;

const FINANCE_USER: Principal = {
  kind: 'end_user',
  userId: 'fiona',
  groups: ['finance'],
  roles: [],
  clearance: 'confidential',
};
const ENGINEER: Principal = {
  kind: 'end_user',
  userId: 'ed',
  groups: ['engineering'],
  roles: [],
  clearance: 'internal',
};

let root: string;
let app: ComposedApp;
let baseUrl: string;
let adminKey: string;
let viewerKey: string;
let stop: () => Promise<void>;

async function cli(
  argv: string[],
  token = adminKey,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await buildProgram({
    writeOut: (text) => (stdout += text),
    writeErr: (text) => (stderr += text),
    settings: readCliSettings({ SLIPWAY_URL: baseUrl, SLIPWAY_TOKEN: token }),
    now: () => Date.now(),
    interruption: () => new AbortController().signal,
  }).run(argv);
  return { code, stdout, stderr };
}

/** The documents a principal's search returns for the query, by id, through the vector index and its filter. */
async function visibleDocuments(principal: Principal, query: string): Promise<string[]> {
  const response = await fetch(`${baseUrl}/v1/embeddings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'offline-hashed-ngrams', input: query }),
  });
  const body = (await response.json()) as { data: Array<{ embedding: number[] }> };
  const vector = Float32Array.from(body.data[0]?.embedding ?? []);
  const { chunks } = await app.retrieval.index.search({
    collection: 'handbook',
    vector,
    k: 50,
    filter: accessFilterFor(principal, app.retrieval.levels),
  });
  return [...new Set(chunks.map((chunk) => chunk.documentId))].sort();
}

function folder(name: string, files: Record<string, string | Uint8Array>): string {
  const path = join(root, name);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(join(path, file, '..'), { recursive: true });
    writeFileSync(join(path, file), content);
  }
  return path;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'slipway-docs-e2e-'));
  const dataDir = join(root, 'data');
  const config = loadConfigText(CONFIG, {
    env: { SLIPWAY_DATA_DIR: dataDir, SLIPWAY_PORT: '0', SLIPWAY_LOG_FLUSH_MS: '10' },
    cwd: dataDir,
    file: null,
  });
  const errors: unknown[] = [];
  const logError = (_message: string, error: unknown) => errors.push(error);
  app = await composeApp(config, { logError });
  adminKey = (await app.keys.ensureBootstrapAdmin(null)).generatedSecret ?? '';
  viewerKey = (await app.keys.createApiKey({ name: 'viewer', role: 'viewer' })).secret;
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
});

afterAll(async () => {
  await stop();
  rmSync(root, { recursive: true, force: true });
});

describe('document ingestion through the CLI', () => {
  it('creates a collection with the offline embedder', async () => {
    const created = await cli(['collections', 'create', 'handbook']);
    expect(created).toMatchObject({ code: 0 });
    expect(created.stdout).toContain('offline-hashed-ngrams, 384 dimensions');
    expect((await cli(['collections', 'list'], viewerKey)).stdout).toContain('handbook');
  });

  it('ingests a folder for the finance group and a folder for everyone, with progress', async () => {
    const finance = folder('finance', {
      'q3-results.md': '# Q3 results\n\nRevenue grew twelve percent. The **margin** rose to forty percent.\n',
      'reports/budget.pdf': minimalPdf([['The travel budget for next year is two million euros.']]),
      'picture.png': new Uint8Array([1, 2, 3]),
    });
    copyFileSync(
      new URL('../fixtures/documents/quarterly-revenue.docx', import.meta.url),
      join(finance, 'quarterly-revenue.docx'),
    );
    const everyone = folder('everyone', {
      'handbook.txt': 'Office hours are nine to five. The canteen serves lunch at noon.',
      'holidays.html':
        '<html><head><title>Holidays</title><script>x()</script></head><body><p>Everyone gets thirty days of holiday.</p></body></html>',
    });
    const first = await cli([
      'docs',
      'ingest',
      finance,
      '--collection',
      'handbook',
      '--allow',
      'group:finance',
      '--classification',
      'confidential',
      '--interval',
      '20',
    ]);
    expect(first.stderr).toBe('');
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain('Skipping 1 file(s) that are not documents: picture.png');
    expect(first.stdout).toContain('3/3 documents, 0 failed');
    const second = await cli([
      'docs',
      'ingest',
      everyone,
      '--collection',
      'handbook',
      '--allow',
      'everyone',
      '--interval',
      '20',
    ]);
    expect(second).toMatchObject({ code: 0 });
    expect(second.stdout).toContain('2/2 documents, 0 failed');

    const listed = await cli(['docs', 'list', '--collection', 'handbook', '--json'], viewerKey);
    const documents = (
      JSON.parse(listed.stdout) as { data: Array<{ id: string; allow: string[]; status: string }> }
    ).data;
    expect(documents.map((document) => [document.id, document.allow, document.status])).toEqual([
      ['handbook.txt', ['everyone'], 'ready'],
      ['holidays.html', ['everyone'], 'ready'],
      ['q3-results.md', ['group:finance'], 'ready'],
      ['quarterly-revenue.docx', ['group:finance'], 'ready'],
      ['reports-budget.pdf', ['group:finance'], 'ready'],
    ]);

    await expect(visibleDocuments(FINANCE_USER, 'revenue budget holiday office')).resolves.toEqual([
      'handbook.txt',
      'holidays.html',
      'q3-results.md',
      'quarterly-revenue.docx',
      'reports-budget.pdf',
    ]);
    await expect(visibleDocuments(ENGINEER, 'revenue budget holiday office')).resolves.toEqual([
      'handbook.txt',
      'holidays.html',
    ]);
  });

  it('replaces a changed document on re-ingest and leaves unchanged ones alone', async () => {
    const before = (await app.store.getDocument('handbook', 'quarterly-revenue.docx'))?.ingestedAt;
    folder('finance', {
      'q3-results.md': '# Q3 results\n\nRevenue fell by three percent in the restated figures.\n',
    });
    const again = await cli([
      'docs',
      'ingest',
      join(root, 'finance'),
      '--collection',
      'handbook',
      '--allow',
      'group:finance',
      '--classification',
      'confidential',
      '--interval',
      '20',
    ]);
    expect(again).toMatchObject({ code: 0 });
    expect((await app.store.getDocument('handbook', 'quarterly-revenue.docx'))?.ingestedAt).toBe(before);
    const vector = await embed('restated figures');
    const { chunks } = await app.retrieval.index.search({
      collection: 'handbook',
      vector,
      k: 50,
      filter: accessFilterFor(FINANCE_USER, app.retrieval.levels),
    });
    const texts = chunks.filter((chunk) => chunk.documentId === 'q3-results.md').map((chunk) => chunk.text);
    expect(texts.join(' ')).toContain('restated figures');
    expect(texts.join(' ')).not.toContain('twelve percent');
  });

  it('changes access on the next search, audited, and only for admins', async () => {
    const refused = await cli(
      ['docs', 'set-access', 'handbook', 'reports-budget.pdf', '--allow', 'everyone'],
      viewerKey,
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/viewer role may not/);
    const changed = await cli([
      'docs',
      'set-access',
      'handbook',
      'reports-budget.pdf',
      '--allow',
      'everyone',
      '--classification',
      'internal',
    ]);
    expect(changed).toMatchObject({ code: 0 });
    expect(changed.stdout).toContain('may now be read by everyone (classification internal)');
    await expect(visibleDocuments(ENGINEER, 'travel budget')).resolves.toContain('reports-budget.pdf');
    const audit = await app.store.listAuditEvents({ limit: 10, action: 'document.access_change' });
    expect(audit.items.map((event) => [event.target, event.detail])).toEqual([
      [
        'handbook/reports-budget.pdf',
        {
          from: { allow: ['group:finance'], classification: 'confidential' },
          to: { allow: ['everyone'], classification: 'internal' },
        },
      ],
    ]);
  });

  it('deletes every chunk of a document', async () => {
    expect(await cli(['docs', 'delete', 'handbook', 'holidays.html'])).toMatchObject({ code: 0 });
    await expect(visibleDocuments(FINANCE_USER, 'holiday thirty days')).resolves.not.toContain(
      'holidays.html',
    );
    const again = await cli(['docs', 'delete', 'handbook', 'holidays.html']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('No document "holidays.html"');
  });

  it('reports a corrupt file as failed without stopping the run', async () => {
    const broken = folder('broken', { 'broken.pdf': 'not a pdf at all', 'fine.txt': 'A fine text.' });
    const result = await cli([
      'docs',
      'ingest',
      broken,
      '--collection',
      'handbook',
      '--allow',
      'everyone',
      '--interval',
      '20',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('2/2 documents, 1 failed');
    const listed = await cli(['docs', 'list', '--collection', 'handbook']);
    expect(listed.stdout).toMatch(/broken\.pdf.*failed: Cannot read "broken\.pdf" as PDF/);
  });

  it('refuses an unknown allow entry, an unknown classification and a missing collection', async () => {
    const folderPath = join(root, 'everyone');
    const badAllow = await cli([
      'docs',
      'ingest',
      folderPath,
      '--collection',
      'handbook',
      '--allow',
      'team:x',
    ]);
    expect(badAllow.code).toBe(1);
    expect(badAllow.stderr).toContain('Unknown allow entry "team:x"');
    const badLevel = await cli([
      'docs',
      'ingest',
      folderPath,
      '--collection',
      'handbook',
      '--allow',
      'everyone',
      '--classification',
      'secret',
    ]);
    expect(badLevel.stderr).toContain('Unknown classification "secret"');
    const noCollection = await cli([
      'docs',
      'ingest',
      folderPath,
      '--collection',
      'nope',
      '--allow',
      'everyone',
    ]);
    expect(noCollection.stderr).toContain('No collection named "nope"');
  });
});

async function embed(text: string): Promise<Float32Array> {
  const response = await fetch(`${baseUrl}/v1/embeddings`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'offline-hashed-ngrams', input: text }),
  });
  const body = (await response.json()) as { data: Array<{ embedding: number[] }> };
  return Float32Array.from(body.data[0]?.embedding ?? []);
}
