/**
 * Queued dispatch's cost over direct dispatch (issue 4: "queued dispatch adds ≤ 2 ms p50 over direct dispatch for
 * a non-stream request, same run, same mock upstream"). One gateway, composed as `npm start` composes it
 * (embedded queue, in-process workers, the in-memory reply channel), with two routes to one loopback mock
 * upstream: `direct-model` (`dispatch: direct`) and `queued-model` (`dispatch: queued`). Requests go one at a
 * time, alternating between the routes, so that both see the same machine; each latency is from sending the
 * request to reading the whole answer. Knob: BENCH_QUEUED_DISPATCH_REQUESTS, requests per route (default 2,000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { composeApp } from '../../src/compose/compose-app.js';
import { loadConfigText } from '../../src/config/load-config.js';
import { createHttpApp } from '../../src/http/create-http-app.js';
import { createJobHandlerRegistry } from '../../src/worker/job-handler-registry.js';
import { startWorkers } from '../../src/worker/start-workers.js';
import { startMockUpstream } from '../../test/doubles/mock-upstream.js';
import { summarize } from '../lib/bench-stats.js';

const REQUESTS = Number(process.env.BENCH_QUEUED_DISPATCH_REQUESTS ?? 2_000);
const WARM_UP = 100;
const GOAL_MS = 2;

export interface QueuedDispatchResult {
  requestsPerRoute: number;
  directMs: { p50: number; p99: number };
  queuedMs: { p50: number; p99: number };
  /** queued p50 − direct p50. */
  addedP50Ms: number;
  goalMs: number;
  meetsGoal: boolean;
}

const round = (value: number) => Number(value.toFixed(3));

export async function measureQueuedDispatch(): Promise<QueuedDispatchResult> {
  const mock = await startMockUpstream({ record: false });
  const dataDir = mkdtempSync(join(tmpdir(), 'slipway-bench-dispatch-'));
  const config = loadConfigText(
    `
providers:
  - { id: mock, kind: openai-compatible, baseUrl: "${mock.url}" }
routes:
  - { model: direct-model, targets: [ { provider: mock, model: gpt-4o-mini } ] }
  - { model: queued-model, targets: [ { provider: mock, model: gpt-4o-mini } ], dispatch: queued }
limits: { perKey: {} }
`,
    { env: { SLIPWAY_DATA_DIR: dataDir, SLIPWAY_PORT: '0' }, cwd: dataDir, file: null },
  );
  const logError = (message: string, error: unknown) => console.error(message, error);
  const app = await composeApp(config, { logError });
  const workers = await startWorkers(app, createJobHandlerRegistry(), logError);
  const { secret } = await app.keys.createApiKey({ name: 'bench', role: 'app' });
  const http = createHttpApp({
    ...app,
    interactions: app.store,
    bodyLimitBytes: config.server.bodyLimitBytes,
    trustProxy: config.server.trustProxy,
    logError,
  });
  const baseUrl = await http.listen({ host: '127.0.0.1', port: 0 });
  const send = async (model: string): Promise<number> => {
    const started = performance.now();
    const response = await request(`${baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Say something about ships.' }] }),
    });
    await response.body.text();
    if (response.statusCode !== 200) throw new Error(`${model} answered ${response.statusCode}`);
    return performance.now() - started;
  };
  try {
    for (let index = 0; index < WARM_UP; index += 1) {
      await send('direct-model');
      await send('queued-model');
    }
    const direct: number[] = [];
    const queued: number[] = [];
    for (let index = 0; index < REQUESTS; index += 1) {
      direct.push(await send('direct-model'));
      queued.push(await send('queued-model'));
    }
    const directSummary = summarize(direct);
    const queuedSummary = summarize(queued);
    const added = queuedSummary.p50 - directSummary.p50;
    return {
      requestsPerRoute: REQUESTS,
      directMs: { p50: round(directSummary.p50), p99: round(directSummary.p99) },
      queuedMs: { p50: round(queuedSummary.p50), p99: round(queuedSummary.p99) },
      addedP50Ms: round(added),
      goalMs: GOAL_MS,
      meetsGoal: added <= GOAL_MS,
    };
  } finally {
    await http.close();
    await workers.stop();
    await app.close();
    await mock.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
