import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatApiKey } from '../../src/core/api-key-format.js';
import { startMockUpstream, type MockUpstream } from '../doubles/mock-upstream.js';
import { buildSlipwayIfStale } from './build-slipway.js';
import { startSlipwayProcess, type SlipwayExit, type SlipwayProcess } from './slipway-process.js';

/**
 * The requirement: SIGTERM stops accepting connections, lets the requests in flight finish within
 * `server.shutdownGraceMs`, flushes the interaction log and exits 0, so that a rolling deploy loses nothing.
 * What the grace period cuts short is still logged, as cut.
 */

const GRACE_MS = 5_000;
const DELAY_MS = 800;
const SLOW_CHUNKS = 20;
const SLOW_CHUNK_MS = 40;
const SHORT_GRACE_MS = 1_000;
const LONG_CHUNKS = 100;
const LONG_CHUNK_MS = 50;
/** Time after the grace period for the cut requests to log themselves, the log to flush and the process to exit. */
const EXIT_AFTER_GRACE_MS = 3_000;
const SHUTTING_DOWN = '[slipway] SIGTERM: shutting down';
const DONE = 'data: [DONE]\n\n';
const TOKEN_CHUNK = /"content":"tok "/g;

interface TimedExit extends SlipwayExit {
  /** performance.now() when the exit was seen. */
  at: number;
}

interface Summary {
  id: string;
  status: string;
  stream: boolean;
  modelRequested: string;
  errorCode: string | null;
}

/** Resolves with the error code of a fresh TCP connection attempt, or `connected`. */
function tryConnect(origin: string): Promise<string> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/**
 * The exit with the moment it was seen, or null when the process still runs after `timeoutMs`. Call it as the
 * signal goes out, so that the moment is not that of a later await.
 */
function exitWithin(gateway: SlipwayProcess, timeoutMs: number): Promise<TimedExit | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    void gateway.exited.then((exit) => {
      clearTimeout(timer);
      resolve({ ...exit, at: performance.now() });
    });
  });
}

let mock: MockUpstream;
let workDir: string;
const processes: SlipwayProcess[] = [];
const agent = new Agent();
const adminKey = formatApiKey(randomBytes(32));

/** A configuration file and data directory of its own for one test, as SLIPWAY_* variables. */
function environment(options: { name: string; graceMs: number }): Record<string, string> {
  const dir = join(workDir, options.name);
  mkdirSync(dir);
  const configPath = join(dir, 'slipway.yaml');
  // Route timeouts far beyond the test: only the shutdown may cut a request short.
  writeFileSync(
    configPath,
    `
server: { shutdownGraceMs: ${options.graceMs} }
providers:
  - { id: mock, kind: openai-compatible, baseUrl: "${mock.url}", apiKey: upstream-key }
routes:
  - model: slow-model
    targets: [ { provider: mock, model: slow-upstream } ]
    retry: { maxAttempts: 1 }
    timeouts: { firstTokenMs: 60000, totalMs: 60000 }
`,
  );
  return {
    SLIPWAY_CONFIG: configPath,
    SLIPWAY_DATA_DIR: join(dir, 'data'),
    SLIPWAY_ADMIN_KEY: adminKey,
    // Far longer than the test: whatever reaches the log got there through the flush on shutdown.
    SLIPWAY_LOG_FLUSH_MS: '600000',
  };
}

async function startGateway(env: Record<string, string>): Promise<SlipwayProcess> {
  const gateway = await startSlipwayProcess({ env });
  processes.push(gateway);
  return gateway;
}

/** Connections stay alive after their answer, as real clients keep them: shutdown must still end promptly. */
async function postJson(options: { origin: string; path: string; token: string; body: unknown }) {
  return request(`${options.origin}${options.path}`, {
    method: 'POST',
    dispatcher: agent,
    headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(options.body),
  });
}

async function getJson(options: { origin: string; path: string }) {
  const response = await request(`${options.origin}${options.path}`, {
    dispatcher: agent,
    headers: { authorization: `Bearer ${adminKey}` },
  });
  const body: unknown = await response.body.json();
  expect(response.statusCode, JSON.stringify(body)).toBe(200);
  return body;
}

async function createAppKey(origin: string): Promise<string> {
  const answer = await postJson({
    origin,
    path: '/api/keys',
    token: adminKey,
    body: { name: 'shutdown', role: 'app' },
  });
  const created = (await answer.body.json()) as { secret: string };
  expect(answer.statusCode, JSON.stringify(created)).toBe(201);
  return created.secret;
}

function chat(options: { origin: string; token: string; stream: boolean }) {
  return postJson({
    origin: options.origin,
    path: '/v1/chat/completions',
    token: options.token,
    body: { model: 'slow-model', stream: options.stream, messages: [{ role: 'user', content: 'Launch.' }] },
  });
}

beforeAll(async () => {
  buildSlipwayIfStale();
  mock = await startMockUpstream({ content: 'The slipway is clear.' });
  workDir = mkdtempSync(join(tmpdir(), 'slipway-shutdown-'));
});

afterAll(async () => {
  await Promise.all(processes.map((gateway) => gateway.stop()));
  await agent.close();
  await mock?.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe('slipway start on SIGTERM', () => {
  it('finishes the requests in flight, refuses new connections, flushes the log and exits 0', async () => {
    const env = environment({ name: 'finish', graceMs: GRACE_MS });
    const gateway = await startGateway(env);
    const token = await createAppKey(gateway.origin);

    // The mock takes behaviours in arrival order; the stream starts only once the first request has arrived.
    mock.enqueue(`delay-${DELAY_MS}`, `slow-${SLOW_CHUNKS}x${SLOW_CHUNK_MS}`);
    const upstreamBefore = mock.requests.length;
    const whole = chat({ origin: gateway.origin, token, stream: false }).then(async (response) => ({
      status: response.statusCode,
      interactionId: String(response.headers['x-slipway-interaction-id']),
      body: (await response.body.json()) as { choices?: Array<{ message: { content: string } }> },
      at: performance.now(),
    }));
    await waitFor('the first upstream request', () => mock.requests.length > upstreamBefore);

    const streamResponse = await chat({ origin: gateway.origin, token, stream: true });
    let streamed = '';
    let streamDone = false;
    streamResponse.body.setEncoding('utf8');
    streamResponse.body.on('data', (part: string) => (streamed += part));
    const streamEnded = once(streamResponse.body, 'end').then(() => {
      streamDone = true;
      return performance.now();
    });
    // Awaited below; until then a broken stream must not count as an unhandled rejection.
    streamEnded.catch(() => undefined);
    await waitFor('the first streamed chunk', () => streamed.includes('data: '));
    let wholeDone = false;
    const markWholeDone = () => {
      wholeDone = true;
    };
    whole.then(markWholeDone, markWholeDone);

    const signalledAt = performance.now();
    gateway.signal('SIGTERM');
    const exited = exitWithin(gateway, GRACE_MS + 2_000);
    await waitFor('the shutdown message', () => gateway.output().includes(SHUTTING_DOWN));
    let refusal = 'connected';
    const refusalDeadline = performance.now() + 1_000;
    while (refusal !== 'ECONNREFUSED' && performance.now() < refusalDeadline) {
      refusal = await tryConnect(gateway.origin);
    }
    expect(refusal, gateway.output()).toBe('ECONNREFUSED');
    // Refused while both answers were still being produced: the server stopped accepting, not serving.
    expect({ wholeDone, streamDone }).toEqual({ wholeDone: false, streamDone: false });

    const wholeAnswer = await whole;
    expect(wholeAnswer.status, JSON.stringify(wholeAnswer.body)).toBe(200);
    expect(wholeAnswer.body.choices?.[0]?.message.content).toBe('The slipway is clear.');
    const streamEndedAt = await streamEnded;
    expect(streamResponse.statusCode).toBe(200);
    expect(streamed.endsWith(DONE), streamed.slice(-200)).toBe(true);
    expect(streamed.match(TOKEN_CHUNK)?.length).toBe(SLOW_CHUNKS);
    const streamInteractionId = String(streamResponse.headers['x-slipway-interaction-id']);

    const exit = await exited;
    if (exit === null)
      throw new Error(`still running ${GRACE_MS + 2_000} ms after SIGTERM:\n${gateway.output()}`);
    expect({ code: exit.code, signal: exit.signal }, gateway.output()).toEqual({ code: 0, signal: null });
    expect(exit.at - signalledAt, 'exit within the grace period').toBeLessThan(GRACE_MS);
    // It leaves once its work is done, not when the grace period runs out and forces the connections closed.
    expect(exit.at - Math.max(wholeAnswer.at, streamEndedAt), 'exit soon after the last answer').toBeLessThan(
      1_000,
    );
    expect(gateway.output()).not.toMatch(/shutdown failed|Error/);

    const restarted = await startGateway(env);
    const page = (await getJson({ origin: restarted.origin, path: '/api/interactions' })) as {
      data: Summary[];
    };
    const byId = new Map(page.data.map((summary) => [summary.id, summary]));
    expect(byId.get(wholeAnswer.interactionId)).toMatchObject({
      status: 'success',
      stream: false,
      modelRequested: 'slow-model',
    });
    expect(byId.get(streamInteractionId)).toMatchObject({
      status: 'success',
      stream: true,
      modelRequested: 'slow-model',
    });
    // The whole stream, assembled, reached the log: it was not cut when the shutdown began.
    expect(
      await getJson({ origin: restarted.origin, path: `/api/interactions/${streamInteractionId}` }),
    ).toMatchObject({
      completionTokens: SLOW_CHUNKS,
      response: { choices: [{ message: { content: 'tok '.repeat(SLOW_CHUNKS) }, finish_reason: 'stop' }] },
    });
  });

  it('cuts what outlasts the grace period, logs it as cut off and exits 0', async () => {
    const env = environment({ name: 'cut', graceMs: SHORT_GRACE_MS });
    const gateway = await startGateway(env);
    const token = await createAppKey(gateway.origin);

    // An upstream that never answers and a stream that would take five times the grace period.
    mock.enqueue('hang', `slow-${LONG_CHUNKS}x${LONG_CHUNK_MS}`);
    const upstreamBefore = mock.requests.length;
    const hung = chat({ origin: gateway.origin, token, stream: false }).then(
      (response) => `answered ${response.statusCode}`,
      (error: unknown) => error,
    );
    await waitFor('the hanging upstream request', () => mock.requests.length > upstreamBefore);
    const streamResponse = await chat({ origin: gateway.origin, token, stream: true });
    expect(streamResponse.statusCode).toBe(200);
    const streamInteractionId = String(streamResponse.headers['x-slipway-interaction-id']);
    let streamed = '';
    streamResponse.body.setEncoding('utf8');
    streamResponse.body.on('data', (part: string) => (streamed += part));
    const streamEnd = once(streamResponse.body, 'end').then(
      () => 'ended',
      (error: unknown) => error,
    );
    await waitFor('the first streamed token', () => streamed.includes('"content":"tok "'));

    const signalledAt = performance.now();
    gateway.signal('SIGTERM');
    const exited = exitWithin(gateway, SHORT_GRACE_MS + EXIT_AFTER_GRACE_MS);

    // Neither answer completes: the end of the grace period drops both connections.
    expect(await hung).toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect(await streamEnd).toMatchObject({ code: 'UND_ERR_SOCKET' });
    const tokensReceived = streamed.match(TOKEN_CHUNK)?.length ?? 0;
    expect(streamed).not.toContain(DONE);
    const exit = await exited;
    if (exit === null) {
      throw new Error(
        `still running ${SHORT_GRACE_MS + EXIT_AFTER_GRACE_MS} ms after SIGTERM:\n${gateway.output()}`,
      );
    }
    expect({ code: exit.code, signal: exit.signal }, gateway.output()).toEqual({ code: 0, signal: null });
    expect(exit.at - signalledAt, 'the requests had the whole grace period').toBeGreaterThanOrEqual(
      SHORT_GRACE_MS,
    );
    // A request cut off by the grace period logs itself as it unwinds, which must be before the log closes.
    expect(gateway.output()).not.toMatch(/log writer is closed/i);
    expect(gateway.output()).not.toMatch(/shutdown failed|Error/);

    const restarted = await startGateway(env);
    const page = (await getJson({ origin: restarted.origin, path: '/api/interactions' })) as {
      data: Summary[];
    };
    expect(page.data, gateway.output()).toHaveLength(2);
    const hungSummary = page.data.find((summary) => !summary.stream);
    expect(hungSummary).toMatchObject({
      status: 'error',
      errorCode: 'client_closed',
      modelRequested: 'slow-model',
    });
    expect(page.data.find((summary) => summary.stream)).toMatchObject({
      id: streamInteractionId,
      status: 'incomplete',
      errorCode: 'client_closed',
      modelRequested: 'slow-model',
    });
    const record = (await getJson({
      origin: restarted.origin,
      path: `/api/interactions/${streamInteractionId}`,
    })) as { response: { choices: Array<{ message: { content: string } }> } };
    // The partial text, as far as the gateway got: at least what the client saw, short of the whole stream.
    const logged = record.response.choices[0]?.message.content ?? '';
    expect(logged).toMatch(/^(tok )+$/);
    const tokensLogged = logged.length / 'tok '.length;
    expect(tokensLogged).toBeGreaterThanOrEqual(tokensReceived);
    expect(tokensLogged).toBeLessThan(LONG_CHUNKS);
  });
});
