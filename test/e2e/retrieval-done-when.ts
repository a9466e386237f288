import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { composeApp, type ComposedApp } from '../../src/compose/compose-app.js';
import { readCliSettings } from '../../src/config/cli-settings.js';
import { loadConfigText } from '../../src/config/load-config.js';
import { createHttpApp } from '../../src/http/create-http-app.js';
import { createJobHandlerRegistry } from '../../src/worker/job-handler-registry.js';
import { startWorkers } from '../../src/worker/start-workers.js';

const QUESTION = 'How much did revenue grow in the third quarter?';
const FINANCE_FACT = 'Revenue grew by twelve percent in the third quarter, to four million euros.';
const PUBLIC_FACT = 'Revenue figures for each quarter are shared with all staff after the board meeting.';

/** Where the e2e runs: its store (and with it the vector index) comes from the configuration text. */
export interface DoneWhenSetting {
  name: string;
  /**
   * Prepares the store and returns its configuration (e.g. a fresh PostgreSQL database with pgvector) and how to
   * remove it; the identity and queue sections are added.
   */
  prepare(): Promise<{ config: string; drop(): Promise<void> }>;
}

/**
 * The "Done when" of retrieval with document-level security, end to end through the CLI, the OpenAI SDK, the
 * audit log and the interaction log, on one store.
 */
export function describeRetrievalDoneWhen(setting: DoneWhenSetting): void {
  let root: string;
  let app: ComposedApp;
  let baseUrl: string;
  let adminKey: string;
  let appKey: string;
  let signingKey: CryptoKey;
  let stop: () => Promise<void>;
  let drop: () => Promise<void>;
  const interactionIds: Record<string, string> = {};

  async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await buildProgram({
      writeOut: (text) => (stdout += text),
      writeErr: (text) => (stderr += text),
      settings: readCliSettings({ SLIPWAY_URL: baseUrl, SLIPWAY_TOKEN: adminKey }),
      now: () => Date.now(),
      interruption: () => new AbortController().signal,
    }).run(argv);
    return { code, stdout, stderr };
  }

  function folder(name: string, files: Record<string, string>): string {
    const path = join(root, name);
    mkdirSync(path, { recursive: true });
    for (const [file, content] of Object.entries(files)) writeFileSync(join(path, file), content);
    return path;
  }

  const client = (headers: Record<string, string> = {}) =>
    new OpenAI({ apiKey: appKey, baseURL: `${baseUrl}/v1`, defaultHeaders: headers, maxRetries: 0 });

  /** Asks the question with retrieval from `reports`; returns the answer and the interaction id. */
  async function ask(options: { user?: string; headers?: Record<string, string> }) {
    const { data, response } = await client(options.headers)
      .chat.completions.create({
        model: 'offline-extractive',
        messages: [{ role: 'user', content: QUESTION }],
        ...(options.user === undefined ? {} : { user: options.user }),
        // Slipway's extension: the SDK sends unknown body fields as they are.
        ...({ retrieval: { collection: 'reports', k: 4 } } as object),
      })
      .withResponse();
    return {
      answer: data.choices[0]?.message.content ?? '',
      interactionId: response.headers.get('x-slipway-interaction-id') ?? '',
    };
  }

  async function searchFiles(user: string): Promise<string[]> {
    const page = await client({ 'x-slipway-end-user': user }).vectorStores.search('reports', {
      query: QUESTION,
    });
    return page.data.map((result) => result.filename).sort();
  }

  async function admin(path: string): Promise<unknown> {
    const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(response.status).toBe(200);
    return response.json();
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'slipway-retrieval-done-'));
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    signingKey = privateKey;
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
    const identity = `identity: ${JSON.stringify({
      jwt: { issuer: 'https://idp.test/', audience: 'slipway', jwks: { keys: [jwk] } },
    })}\n`;
    const dataDir = join(root, 'data');
    const prepared = await setting.prepare();
    drop = prepared.drop;
    const config = loadConfigText(`${prepared.config}\nqueue:\n  pollIntervalMs: 10\n${identity}`, {
      env: { SLIPWAY_DATA_DIR: dataDir, SLIPWAY_PORT: '0', SLIPWAY_LOG_FLUSH_MS: '10' },
      cwd: dataDir,
      file: null,
    });
    const errors: unknown[] = [];
    const logError = (_message: string, error: unknown) => errors.push(error);
    app = await composeApp(config, { logError });
    adminKey = (await app.keys.ensureBootstrapAdmin(null)).generatedSecret ?? '';
    appKey = (await app.keys.createApiKey({ name: 'helpdesk', role: 'app', actAsEndUser: true })).secret;
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
    await drop();
    rmSync(root, { recursive: true, force: true });
  });

  describe(`${setting.name}: asking questions over documents`, () => {
    it('ingests a folder for the finance group and a folder for everyone, through the CLI', async () => {
      expect(await cli(['collections', 'create', 'reports'])).toMatchObject({ code: 0 });
      const finance = folder('finance', { 'q3-results.md': `# Q3 results\n\n${FINANCE_FACT}\n` });
      const everyone = folder('everyone', { 'revenue-faq.md': `# Revenue FAQ\n\n${PUBLIC_FACT}\n` });
      const common = ['--collection', 'reports', '--interval', '20'];
      const first = await cli(['docs', 'ingest', finance, ...common, '--allow', 'group:finance']);
      expect(first).toMatchObject({ code: 0, stderr: '' });
      const second = await cli(['docs', 'ingest', everyone, ...common, '--allow', 'everyone']);
      expect(second).toMatchObject({ code: 0, stderr: '' });
      for (const [id, groups, clearance] of [
        ['fiona', 'finance', 'confidential'],
        ['ed', 'engineering', 'internal'],
      ] as const) {
        const set = await cli(['principals', 'set', id, '--groups', groups, '--clearance', clearance]);
        expect(set).toMatchObject({ code: 0 });
      }
    });

    it('gives a finance user and an engineer different grounded answers to the same question', async () => {
      const fiona = await ask({ user: 'fiona' });
      const ed = await ask({ user: 'ed' });
      expect(fiona.answer).toContain('twelve percent');
      expect(ed.answer).not.toContain('twelve percent');
      expect(ed.answer).toContain('board meeting');
      interactionIds.fiona = fiona.interactionId;
    });

    it('takes the principal from an end-user JWT too, and from nothing as anonymous', async () => {
      const token = await new SignJWT({ groups: ['finance'], clearance: 'internal' })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setSubject('jules')
        .setIssuer('https://idp.test/')
        .setAudience('slipway')
        .setExpirationTime('5m')
        .sign(signingKey);
      const jules = await ask({ headers: { 'x-slipway-end-user-token': token } });
      expect(jules.answer).toContain('twelve percent');
      const nobody = await ask({});
      expect(nobody.answer).not.toContain('twelve percent');
    });

    it('serves OpenAI vector-store search through the SDK, filtered for the end user', async () => {
      const stores = await client().vectorStores.list();
      expect(stores.data.map((store) => store.id)).toContain('reports');
      expect((await client().vectorStores.retrieve('reports')).file_counts.completed).toBe(2);
      expect(await searchFiles('fiona')).toEqual(['q3-results.md', 'revenue-faq.md']);
      expect(await searchFiles('ed')).toEqual(['revenue-faq.md']);
      const page = await client({ 'x-slipway-end-user': 'fiona' }).vectorStores.search('reports', {
        query: QUESTION,
        max_num_results: 1,
      });
      expect(page.data[0]).toMatchObject({ filename: 'q3-results.md', content: [{ type: 'text' }] });
      await expect(
        client().vectorStores.search('reports', {
          query: QUESTION,
          filters: { type: 'eq', key: 'team', value: 'finance' },
        }),
      ).rejects.toMatchObject({ status: 400 });
    });

    it('lists both decisions in `slipway audit list`', async () => {
      const fiona = await cli(['audit', 'list', '--action', 'retrieval.search', '--user', 'fiona']);
      expect(fiona.code).toBe(0);
      expect(fiona.stdout).toContain('"documents":["reports/q3-results.md","reports/revenue-faq.md"]');
      const ed = await cli(['audit', 'list', '--action', 'retrieval.search', '--user', 'ed', '--json']);
      const events = (JSON.parse(ed.stdout) as { data: Array<{ detail: Record<string, unknown> }> }).data;
      expect(events.length).toBeGreaterThan(0);
      expect(events[0]?.detail).toMatchObject({ deniedChunks: 1, documents: ['reports/revenue-faq.md'] });
      expect(JSON.stringify(events)).not.toContain(QUESTION);
      const byDocument = await cli(['audit', 'list', '--doc', 'reports/q3-results.md', '--json']);
      expect(byDocument.stdout).toContain('retrieval.search');
    });

    it('keeps retrieved text out of the log, its search and its export for viewers not cleared', async () => {
      await app.logWriter.flush();
      const detail = (await admin(`/api/interactions/${interactionIds.fiona}`)) as Record<string, unknown>;
      const text = JSON.stringify(detail);
      expect(text).not.toContain('twelve percent');
      expect(detail.retrievedDocuments).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            documentId: 'q3-results.md',
            text: '[withheld: not cleared]',
            withheld: true,
          }),
          expect.objectContaining({ documentId: 'revenue-faq.md', text: expect.stringContaining('board') }),
        ]),
      );
      const found = await cli(['logs', 'search', 'twelve', '--json']);
      expect((JSON.parse(found.stdout) as { data: unknown[] }).data, found.stdout).toEqual([]);
      const out = join(root, 'export.jsonl');
      expect(await cli(['logs', 'export', '--format', 'jsonl', '--out', out])).toMatchObject({ code: 0 });
      const exported = readFileSync(out, 'utf8');
      expect(exported).toContain(interactionIds.fiona);
      expect(exported).not.toContain('twelve');
    });

    it('applies an access-rule change, a principal change and a delete on the very next query', async () => {
      const moved = await cli([
        'docs',
        'set-access',
        'reports',
        'q3-results.md',
        '--allow',
        'group:engineering',
      ]);
      expect(moved).toMatchObject({ code: 0 });
      expect(await searchFiles('ed')).toEqual(['q3-results.md', 'revenue-faq.md']);
      expect(await searchFiles('fiona')).toEqual(['revenue-faq.md']);

      await cli(['principals', 'set', 'fiona', '--groups', 'engineering']);
      expect(await searchFiles('fiona')).toEqual(['q3-results.md', 'revenue-faq.md']);

      expect(await cli(['docs', 'delete', 'reports', 'q3-results.md'])).toMatchObject({ code: 0 });
      expect(await searchFiles('fiona')).toEqual(['revenue-faq.md']);
      expect((await ask({ user: 'fiona' })).answer).not.toContain('twelve percent');
    });
  });
}
