import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../../test/e2e/start-test-gateway.js';
import { sendRequest } from '../../test/e2e/send-request.js';
import { readCliSettings } from '../config/cli-settings.js';
import type { KeyUsageReport } from '../services/key-usage.js';
import type { Overview } from '../services/overview-stats.js';
import { buildProgram } from './program.js';

let gateway: TestGateway;
let limitedKeyId: string;

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const program = buildProgram(
    {
      writeOut: (text) => (stdout += text),
      writeErr: (text) => (stderr += text),
      settings: readCliSettings({ SLIPWAY_URL: gateway.baseUrl, SLIPWAY_TOKEN: gateway.adminKey }),
      now: () => Date.now(),
      interruption: () => {
        throw new Error('not expected to catch Ctrl-C');
      },
    },
    { requestTimeoutMs: 5_000 },
  );
  const code = await program.run(argv);
  return { code, stdout, stderr };
}

beforeAll(async () => {
  gateway = await startTestGateway(`
prices:
  offline-extractive: { inputPerMillion: 1000, outputPerMillion: 1000 }
`);
  const limitedKey = await gateway.createKey({
    role: 'app',
    name: 'limited',
    limits: { spendPerDayUsd: 5 },
  });
  for (const key of [gateway.appKey, gateway.appKey, limitedKey]) {
    const answer = await sendRequest(gateway.baseUrl, {
      path: '/v1/chat/completions',
      key,
      json: { model: 'offline-extractive', messages: [{ role: 'user', content: 'Say something short.' }] },
    });
    expect(answer.status, answer.text).toBe(200);
  }
  await gateway.flushLog();
  const keys = await gateway.app.keys.listApiKeys();
  limitedKeyId = keys.find((key) => key.name === 'limited')?.id ?? '';
});

afterAll(async () => {
  await gateway.close();
});

describe('slipway stats', () => {
  it('prints totals and the breakdown by model for the last 24 hours', async () => {
    const { code, stdout } = await run(['stats']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/UTC, by model\n/);
    expect(stdout).toMatch(/^Requests {4}3$/m);
    expect(stdout).toMatch(/^Errors {6}0 \(0%\)$/m);
    expect(stdout).toMatch(/^Latency {5}p50 \d+ ms, p95 \d+ ms$/m);
    expect(stdout).toMatch(/^MODEL +REQUESTS +ERRORS +ERROR RATE +TOKENS +COST +P50 +P95 +TTFT P95$/m);
    expect(stdout).toMatch(/^offline-extractive +3 +0 +0% +\d+ +\$\d/m);
  });

  it('breaks down by key with names, and prints the API response with --json', async () => {
    const { stdout } = await run(['stats', '--by', 'key', '--since', '2h']);
    expect(stdout).toMatch(/^KEY +REQUESTS/m);
    expect(stdout).toMatch(/^app key \(key_\w+\) +2 /m);
    expect(stdout).toMatch(/^limited \(key_\w+\) +1 /m);
    const json = await run(['stats', '--json', '--by', 'project', '--since', '2h']);
    const overview = JSON.parse(json.stdout) as Overview;
    expect(overview.bucketMs).toBe(60_000);
    expect(overview.totals.requests).toBe(3);
    expect(overview.breakdown.map((entry) => entry.label)).toEqual(['default']);
  });

  it('says so when the range holds no requests, and rejects bad options', async () => {
    const empty = await run(['stats', '--since', '2020-01-01', '--until', '2020-01-02']);
    expect(empty.code).toBe(0);
    expect(empty.stdout).toMatch(/^Requests {4}0$/m);
    expect(empty.stdout).toMatch(/No requests in this range\./);
    expect((await run(['stats', '--by', 'user'])).code).toBe(2);
    expect((await run(['stats', '--since', 'yesterday'])).code).toBe(2);
    const backwards = await run(['stats', '--since', '1h', '--until', '2h']);
    expect(backwards.code).toBe(1);
    expect(backwards.stderr).toMatch(/until/);
  });
});

describe('slipway keys usage', () => {
  it('prints spend against the budget, and the API response with --json', async () => {
    const { code, stdout } = await run(['keys', 'usage', limitedKeyId]);
    expect(code).toBe(0);
    expect(stdout).toContain(`Key ${limitedKeyId}`);
    expect(stdout).toMatch(/^MEASURE +USED +LIMIT +OF LIMIT$/m);
    expect(stdout).toMatch(/^requests this minute +\d+ +- +-$/m);
    expect(stdout).toMatch(/^spend today \(UTC\) +\$[\d.]+ +\$5\.0000 +\d+\.\d%$/m);
    const json = JSON.parse((await run(['keys', 'usage', limitedKeyId, '--json'])).stdout) as KeyUsageReport;
    expect(json.limits).toEqual({ spendPerDayUsd: 5 });
    expect(json.usage.spendTodayUsd).toBeGreaterThan(0);
  });

  it('fails with exit code 1 for an unknown key', async () => {
    const { code, stderr } = await run(['keys', 'usage', 'key_nope']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/No API key/);
  });
});
