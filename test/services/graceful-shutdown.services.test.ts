import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatApiKey } from '../../src/core/api-key-format.js';
import { startMockUpstream, type MockUpstream } from '../doubles/mock-upstream.js';
import { buildSlipwayIfStale, REPOSITORY_ROOT, SLIPWAY_MAIN } from './build-slipway.js';
import { startSlipwayProcess, type SlipwayProcess } from './slipway-process.js';

/**
 * The requirement: SIGTERM stops accepting connections, lets the requests in flight finish within
 * `server.shutdownGraceMs`, flushes the interaction log and exits 0, so that a rolling deploy loses nothing.
 */

const GRACE_MS = 5_000;
const DELAY_MS = 800;
const SLOW_CHUNKS = 20;
const SLOW_CHUNK_MS = 40;
const LISTENING = /Slipway is listening on (http:\/\/\S+)/;
const SHUTTING_DOWN = '[slipway] SIGTERM: shutting down';
const DONE = 'data: [DONE]\n\n';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() when the process exited. */
  at: number;
}

/**
 * `slipway start` as a child this test signals itself: `SlipwayProcess.stop()` hides the exit code and the
 * moment of exit, which are what this file is about.
 */
interface SignalledSlipway {
  child: ChildProcess;
  origin: string;
  output(): string;
  exited: Promise<Exit>;
}

/** This process's environment without SLIPWAY_* variables, as `startSlipwayProcess` passes it on. */
function inheritedEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SLIPWAY_')));
}

async function startSignalledSlipway(env: Record<string, string>): Promise<SignalledSlipway> {
  const child = spawn(process.execPath, [SLIPWAY_MAIN, 'start'], {
    cwd: REPOSITORY_ROOT,
    env: { ...inheritedEnvironment(), SLIPWAY_HOST: '127.0.0.1', SLIPWAY_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let text = '';
  child.stdout.on('data', (part: Buffer) => (text += part.toString('utf8')));
  child.stderr.on('data', (part: Buffer) => (text += part.toString('utf8')));
  const exited = once(child, 'exit').then(([code, signal]): Exit => {
    process.off('exit', killOnExit);
    return { code: code as number | null, signal: signal as NodeJS.Signals | null, at: performance.now() };
  });
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`slipway start did not listen:\n${text}`)), 30_000);
    child.stdout.on('data', () => {
      const match = LISTENING.exec(text);
      if (match?.[1] === undefined) return;
      clearTimeout(timer);
      resolve(match[1]);
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`slipway start stopped before listening:\n${text}`));
    });
  });
  return { child, origin, output: () => text, exited };
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

let mock: MockUpstream;
let workDir: string;
let signalled: SignalledSlipway | undefined;
let restarted: SlipwayProcess | undefined;
const agent = new Agent();
const adminKey = formatApiKey(randomBytes(32));

function environment(): Record<string, string> {
  const configPath = join(workDir, 'slipway.yaml');
  writeFileSync(
    configPath,
    `
server: { shutdownGraceMs: ${GRACE_MS} }
providers:
  - { id: mock, kind: openai-compatible, baseUrl: "${mock.url}", apiKey: upstream-key }
routes:
  - { model: slow-model, targets: [ { provider: mock, model: slow-upstream } ], retry: { maxAttempts: 1 } }
`,
  );
  return {
    SLIPWAY_CONFIG: configPath,
    SLIPWAY_DATA_DIR: join(workDir, 'data'),
    SLIPWAY_ADMIN_KEY: adminKey,
    // Far longer than the test: whatever reaches the log got there through the flush on shutdown.
    SLIPWAY_LOG_FLUSH_MS: '600000',
  };
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

beforeAll(async () => {
  buildSlipwayIfStale();
  mock = await startMockUpstream({ content: 'The slipway is clear.' });
  workDir = mkdtempSync(join(tmpdir(), 'slipway-shutdown-'));
});

afterAll(async () => {
  if (signalled !== undefined && signalled.child.exitCode === null && signalled.child.signalCode === null) {
    signalled.child.kill('SIGKILL');
    await signalled.exited;
  }
  await agent.close();
  await restarted?.stop();
  await mock?.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe('slipway start on SIGTERM', () => {
  it('finishes the requests in flight, refuses new connections, flushes the log and exits 0', async () => {
    const env = environment();
    const gateway = await startSignalledSlipway(env);
    signalled = gateway;
    const keyAnswer = await postJson({
      origin: gateway.origin,
      path: '/api/keys',
      token: adminKey,
      body: { name: 'shutdown', role: 'app' },
    });
    const created = (await keyAnswer.body.json()) as { secret: string };
    expect(keyAnswer.statusCode, JSON.stringify(created)).toBe(201);

    // The mock takes behaviours in arrival order; the stream starts only once the first request has arrived.
    mock.enqueue(`delay-${DELAY_MS}`, `slow-${SLOW_CHUNKS}x${SLOW_CHUNK_MS}`);
    const upstreamBefore = mock.requests.length;
    const whole = postJson({
      origin: gateway.origin,
      path: '/v1/chat/completions',
      token: created.secret,
      body: { model: 'slow-model', messages: [{ role: 'user', content: 'Launch the ship.' }] },
    }).then(async (response) => ({
      status: response.statusCode,
      interactionId: String(response.headers['x-slipway-interaction-id']),
      body: (await response.body.json()) as { choices?: Array<{ message: { content: string } }> },
      at: performance.now(),
    }));
    await waitFor('the first upstream request', () => mock.requests.length > upstreamBefore);

    const streamResponse = await postJson({
      origin: gateway.origin,
      path: '/v1/chat/completions',
      token: created.secret,
      body: { model: 'slow-model', stream: true, messages: [{ role: 'user', content: 'Stream it.' }] },
    });
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
    gateway.child.kill('SIGTERM');
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
    expect(streamed.match(/"content":"tok "/g)?.length).toBe(SLOW_CHUNKS);
    const streamInteractionId = String(streamResponse.headers['x-slipway-interaction-id']);

    const exit = await Promise.race([gateway.exited, sleep(GRACE_MS + 2_000).then(() => null)]);
    if (exit === null)
      throw new Error(`still running ${GRACE_MS + 2_000} ms after SIGTERM:\n${gateway.output()}`);
    expect({ code: exit.code, signal: exit.signal }, gateway.output()).toEqual({ code: 0, signal: null });
    expect(exit.at - signalledAt, 'exit within the grace period').toBeLessThan(GRACE_MS);
    // It leaves once its work is done, not when the grace period runs out and forces the connections closed.
    expect(exit.at - Math.max(wholeAnswer.at, streamEndedAt), 'exit soon after the last answer').toBeLessThan(
      1_000,
    );
    expect(gateway.output()).not.toMatch(/shutdown failed|Error/);

    restarted = await startSlipwayProcess({ env });
    const listing = await request(`${restarted.origin}/api/interactions`, {
      dispatcher: agent,
      headers: { authorization: `Bearer ${adminKey}` },
    });
    const page = (await listing.body.json()) as {
      data: Array<{ id: string; status: string; stream: boolean; modelRequested: string }>;
    };
    expect(listing.statusCode, JSON.stringify(page)).toBe(200);
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
    const record = await request(`${restarted.origin}/api/interactions/${streamInteractionId}`, {
      dispatcher: agent,
      headers: { authorization: `Bearer ${adminKey}` },
    });
    // The whole stream, assembled, reached the log: it was not cut when the shutdown began.
    expect(await record.body.json()).toMatchObject({
      completionTokens: SLOW_CHUNKS,
      response: { choices: [{ message: { content: 'tok '.repeat(SLOW_CHUNKS) }, finish_reason: 'stop' }] },
    });
  });
});
