import { mkdtempSync, rmSync, writeFileSync, createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp, type ComposedApp } from '../../src/compose/compose-app.js';
import { readCliSettings } from '../../src/config/cli-settings.js';
import { loadConfigText } from '../../src/config/load-config.js';
import { createHttpApp } from '../../src/http/create-http-app.js';
import { buildProgram } from '../../src/cli/program.js';
import { createJobHandlerRegistry } from '../../src/worker/job-handler-registry.js';
import { startWorkers } from '../../src/worker/start-workers.js';
import { startMockUpstream, type MockUpstream } from '../doubles/mock-upstream.js';

/** Quick polling and retries, and one line at a time so that a batch is still running when a test acts on it. */
const CONFIG = `
queue:
  pollIntervalMs: 10
  backoff: { baseMs: 10, maxMs: 50 }
workers:
  concurrency: { 'batch.line': 2 }
`;

interface BatchGateway {
  app: ComposedApp;
  baseUrl: string;
  errors: unknown[];
  /** Stops the workers (they finish the lines in hand); `close` does it too. */
  stopWorkers(): Promise<void>;
  close(): Promise<void>;
}

/** The embedded mode as `npm start` runs it (API, outbox relay and workers in one process), on `dataDir`. */
async function startBatchGateway(dataDir: string, extraConfig = ''): Promise<BatchGateway> {
  const config = loadConfigText(CONFIG + extraConfig, {
    env: { SLIPWAY_DATA_DIR: dataDir, SLIPWAY_PORT: '0', SLIPWAY_LOG_FLUSH_MS: '10' },
    cwd: dataDir,
    file: null,
  });
  const errors: unknown[] = [];
  const logError = (_message: string, error: unknown) => errors.push(error);
  const app = await composeApp(config, { logError });
  const workers = await startWorkers(app, createJobHandlerRegistry(), logError);
  const http = createHttpApp({
    ...app,
    interactions: app.store,
    bodyLimitBytes: config.server.bodyLimitBytes,
    trustProxy: config.server.trustProxy,
    logError,
  });
  const baseUrl = await http.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    baseUrl,
    errors,
    stopWorkers: () => workers.stop(),
    close: async () => {
      await workers.stop();
      await http.close();
      await app.close();
    },
  };
}

const chatLine = (customId: string, content: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    custom_id: customId,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'offline-extractive', messages: [{ role: 'user', content }] },
    ...fields,
  });

async function eventually<Value>(
  read: () => Promise<Value>,
  accept: (value: Value) => boolean,
): Promise<Value> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const FINISHED = ['completed', 'failed', 'expired', 'cancelled'];

describe('the Batch API with the openai SDK, embedded queue, offline model', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'slipway-batch-e2e-'));
  let gateway: BatchGateway;
  let client: OpenAI;
  let appKey: string;

  function writeJsonl(name: string, lines: string[]): string {
    const path = join(dataDir, name);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  }

  async function upload(name: string, lines: string[], sdk = client) {
    return sdk.files.create({ file: createReadStream(writeJsonl(name, lines)), purpose: 'batch' });
  }

  const finished = (id: string) =>
    eventually(
      () => client.batches.retrieve(id),
      (batch) => FINISHED.includes(batch.status),
    );

  beforeAll(async () => {
    gateway = await startBatchGateway(dataDir);
    appKey = (await gateway.app.keys.createApiKey({ name: 'batch app', role: 'app' })).secret;
    client = new OpenAI({ apiKey: appKey, baseURL: `${gateway.baseUrl}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await gateway.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs a batch to completion: outputs by custom_id, a bad line in the error file, each line logged', async () => {
    const file = await upload('chat.jsonl', [
      chatLine('first', 'Boats float. The sky is blue.'),
      chatLine('second', 'Rivers run to the sea.'),
      chatLine('wrong-url', 'x', { url: '/v1/embeddings' }),
      chatLine('third', 'Birds sing at dawn.'),
    ]);
    expect(file).toMatchObject({
      object: 'file',
      purpose: 'batch',
      filename: 'chat.jsonl',
      status: 'processed',
    });
    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      metadata: { run: 'e2e' },
    });
    expect(created).toMatchObject({ object: 'batch', status: 'validating', metadata: { run: 'e2e' } });

    const batch = await finished(created.id);
    expect(batch).toMatchObject({
      status: 'completed',
      request_counts: { total: 4, completed: 3, failed: 1 },
      output_file_id: expect.any(String),
      error_file_id: expect.any(String),
    });
    expect(batch.completed_at).toEqual(expect.any(Number));

    const output = (await (await client.files.content(batch.output_file_id ?? '')).text())
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            custom_id: string;
            response: { status_code: number; request_id: string; body: { choices: unknown[] } };
          },
      );
    expect(output.map((line) => line.custom_id)).toEqual(['first', 'second', 'third']);
    for (const line of output) {
      expect(line.response.status_code).toBe(200);
      expect(line.response.body.choices).toHaveLength(1);
    }
    const errorsText = await (await client.files.content(batch.error_file_id ?? '')).text();
    expect(JSON.parse(errorsText.trim())).toMatchObject({
      custom_id: 'wrong-url',
      response: null,
      error: { code: 'invalid_url' },
    });

    await gateway.app.logWriter.flush();
    for (const line of output) {
      await expect(gateway.app.store.getInteraction(line.response.request_id)).resolves.toMatchObject({
        batchId: batch.id,
        status: 'success',
      });
    }
  });

  it('runs an embeddings batch', async () => {
    const file = await upload('embed.jsonl', [
      JSON.stringify({
        custom_id: 'e1',
        method: 'POST',
        url: '/v1/embeddings',
        body: { model: 'offline-hashed-ngrams', input: 'hello world' },
      }),
    ]);
    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/embeddings',
      completion_window: '24h',
    });
    const batch = await finished(created.id);
    expect(batch.request_counts).toEqual({ total: 1, completed: 1, failed: 0 });
    const [line] = (await (await client.files.content(batch.output_file_id ?? '')).text()).trim().split('\n');
    expect(JSON.parse(line ?? '')).toMatchObject({
      custom_id: 'e1',
      response: { status_code: 200, body: { object: 'list' } },
    });
  });

  it('refuses an upload whose lines are not JSON, naming each line', async () => {
    const rejected = upload('broken.jsonl', [chatLine('ok', 'fine'), 'not json', '[1, 2]']);
    await expect(rejected).rejects.toMatchObject({ status: 400 });
    await expect(rejected).rejects.toThrow(/line 2: not valid JSON; line 3: not a JSON object/);
  });

  it('refuses other purposes, other endpoints and other windows with a clear 400', async () => {
    await expect(
      client.files.create({
        file: createReadStream(writeJsonl('p.jsonl', [chatLine('a', 'b')])),
        // `assistants` and `user_data` take documents (test/e2e/vector-store-files.test.ts).
        purpose: 'fine-tune',
      }),
    ).rejects.toMatchObject({ status: 400, error: { param: 'purpose' } });
    const file = await upload('ok.jsonl', [chatLine('a', 'b')]);
    await expect(
      client.batches.create({
        input_file_id: file.id,
        endpoint: '/v1/completions',
        completion_window: '24h',
      }),
    ).rejects.toMatchObject({ status: 400, error: { param: 'endpoint' } });
    await expect(
      client.batches.create({
        input_file_id: file.id,
        endpoint: '/v1/chat/completions',
        completion_window: '1h' as '24h',
      }),
    ).rejects.toMatchObject({ status: 400, error: { param: 'completion_window' } });
  });

  it("shows a key only its own project's files and batches", async () => {
    const file = await upload('mine.jsonl', [chatLine('a', 'b')]);
    const batch = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    await gateway.app.keys.createProject('elsewhere');
    const otherSecret = (
      await gateway.app.keys.createApiKey({ name: 'other', role: 'app', project: 'elsewhere' })
    ).secret;
    const other = new OpenAI({ apiKey: otherSecret, baseURL: `${gateway.baseUrl}/v1`, maxRetries: 0 });
    await expect(other.files.retrieve(file.id)).rejects.toMatchObject({ status: 404 });
    await expect(other.batches.retrieve(batch.id)).rejects.toMatchObject({ status: 404 });
    await expect(
      other.batches.create({
        input_file_id: file.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      }),
    ).rejects.toMatchObject({ status: 404 });
    expect((await other.batches.list()).data).toEqual([]);
  });

  it('lists files and batches newest first, page by page', async () => {
    const seen: string[] = [];
    for await (const batch of client.batches.list({ limit: 2 })) seen.push(batch.id);
    const all = (await client.batches.list({ limit: 100 })).data.map((batch) => batch.id);
    expect(seen).toEqual(all);
    expect(all.length).toBeGreaterThanOrEqual(3);
    const files = await client.files.list({ purpose: 'batch' });
    expect(files.data.every((file) => file.purpose === 'batch')).toBe(true);
  });

  it('cancels a batch: lines not yet run are skipped, and it ends cancelled', async () => {
    const lines = Array.from({ length: 200 }, (_, index) => chatLine(`c${index}`, `Line ${index} of many.`));
    const file = await upload('long.jsonl', lines);
    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    const cancelling = await client.batches.cancel(created.id);
    expect(['cancelling', 'cancelled']).toContain(cancelling.status);
    const batch = await finished(created.id);
    expect(batch.status).toBe('cancelled');
    expect(batch.cancelled_at).toEqual(expect.any(Number));
    const counts = batch.request_counts;
    expect((counts?.completed ?? 0) + (counts?.failed ?? 0)).toBeLessThan(200);
  });

  it('deletes a file', async () => {
    const file = await upload('gone.jsonl', [chatLine('a', 'b')]);
    await expect(client.files.delete(file.id)).resolves.toMatchObject({ id: file.id, deleted: true });
    await expect(client.files.retrieve(file.id)).rejects.toMatchObject({ status: 404 });
  });

  it('drives batches from the CLI: submit --wait, status, list, results', async () => {
    let stdout = '';
    let stderr = '';
    const run = (argv: string[]) =>
      buildProgram({
        writeOut: (text) => (stdout += text),
        writeErr: (text) => (stderr += text),
        settings: readCliSettings({ SLIPWAY_URL: gateway.baseUrl, SLIPWAY_TOKEN: appKey }),
        now: () => Date.now(),
        interruption: () => new AbortController().signal,
      }).run(argv);
    const path = writeJsonl('cli.jsonl', [
      chatLine('one', 'Alpha.'),
      chatLine('two', 'Beta.', { method: 'GET' }),
    ]);
    await expect(run(['batches', 'submit', path, '--wait', '--interval', '20'])).resolves.toBe(0);
    const [id] = stdout.split('\n');
    expect(stdout).toMatch(/completed {2}2\/2 done, 1 failed/);
    stdout = '';
    await expect(run(['batches', 'status', id ?? ''])).resolves.toBe(0);
    expect(stdout).toContain('status:    completed');
    stdout = '';
    await expect(run(['batches', 'list'])).resolves.toBe(0);
    expect(stdout).toContain(id);
    const outputPath = join(dataDir, 'cli-output.jsonl');
    await expect(run(['batches', 'results', id ?? '', '-o', outputPath])).resolves.toBe(0);
    expect(JSON.parse((await readFile(outputPath, 'utf8')).trim())).toMatchObject({ custom_id: 'one' });
    stdout = '';
    await expect(run(['batches', 'results', id ?? '', '--errors'])).resolves.toBe(0);
    expect(JSON.parse(stdout.trim())).toMatchObject({ custom_id: 'two', error: { code: 'invalid_method' } });
    await expect(run(['batches', 'status', 'batch_none'])).resolves.toBe(1);
    expect(stderr).toContain('No such batch');
  });
});

describe('a batch across a restart of every process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'slipway-batch-restart-'));
  let upstream: MockUpstream;
  // An upstream that takes a while per request, so that the batch is surely unfinished when the app stops.
  const slowModel = () => `
providers:
  - { id: slow, kind: openai-compatible, baseUrl: "${upstream.url}" }
routes:
  - model: slow-model
    targets: [ { provider: slow, model: gpt-4o-mini } ]
`;

  beforeAll(async () => {
    upstream = await startMockUpstream({ latencyMs: 20 });
  });

  afterAll(async () => {
    await upstream.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers every result after the app is stopped mid-batch and started again on the same data', async () => {
    const first = await startBatchGateway(dataDir, slowModel());
    const { secret } = await first.app.keys.createApiKey({ name: 'batch app', role: 'app' });
    const sdk = (baseUrl: string) => new OpenAI({ apiKey: secret, baseURL: `${baseUrl}/v1`, maxRetries: 0 });
    const body = { model: 'slow-model', messages: [{ role: 'user', content: 'Hello.' }] };
    const lines = Array.from({ length: 60 }, (_, index) => chatLine(`r${index}`, '', { body }));
    const path = join(dataDir, 'restart.jsonl');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const file = await sdk(first.baseUrl).files.create({ file: createReadStream(path), purpose: 'batch' });
    const created = await sdk(first.baseUrl).batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    await eventually(
      () => sdk(first.baseUrl).batches.retrieve(created.id),
      (batch) => (batch.request_counts?.completed ?? 0) >= 5,
    );
    await first.stopWorkers();
    const stopped = await first.app.store.getBatch(created.id);
    await first.close();
    expect(stopped?.status).toBe('in_progress');
    expect(stopped?.requestCounts.completed).toBeLessThan(lines.length);
    const second = await startBatchGateway(dataDir, slowModel());
    try {
      const batch = await eventually(
        () => sdk(second.baseUrl).batches.retrieve(created.id),
        (current) => FINISHED.includes(current.status),
      );
      expect(batch).toMatchObject({
        status: 'completed',
        request_counts: { total: 60, completed: 60, failed: 0 },
      });
      const output = (await (await sdk(second.baseUrl).files.content(batch.output_file_id ?? '')).text())
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { custom_id: string }).custom_id);
      expect(output).toEqual(lines.map((_, index) => `r${index}`));
    } finally {
      await second.close();
    }
  });
});
