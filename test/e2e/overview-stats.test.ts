import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionSummary } from '../../src/ports/interaction-store.js';
import type { KeyUsageReport } from '../../src/services/key-usage.js';
import type { Overview } from '../../src/services/overview-stats.js';
import { expectOpenAiError } from './expect-openai-error.js';
import { sendRequest } from './send-request.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

const HOUR = 3_600_000;
const messages = [
  { role: 'system', content: 'Refunds are accepted within 30 days of purchase. Shipping is free above $50.' },
  { role: 'user', content: 'How long do I have for a refund?' },
];

let gateway: TestGateway;
let otherProjectId: string;
let otherKey: string;
let developerKey: string;
let limitedKey: string;
let limitedKeyId: string;
let startedAt: number;

function get(path: string, key: string | null = gateway.adminKey) {
  return sendRequest(gateway.baseUrl, { path, key });
}

async function chat(key: string, stream = false): Promise<void> {
  const answer = await sendRequest(gateway.baseUrl, {
    path: '/v1/chat/completions',
    key,
    json: { model: 'offline-extractive', messages, stream },
  });
  expect(answer.status, answer.text).toBe(200);
}

async function keyIdNamed(name: string): Promise<string> {
  const keys = (await get('/api/keys')).json() as { data: Array<{ id: string; name: string }> };
  const key = keys.data.find((candidate) => candidate.name === name);
  if (key === undefined) throw new Error(`no key named ${name}`);
  return key.id;
}

async function loggedInteractions(): Promise<InteractionSummary[]> {
  const page = (await get('/api/interactions?limit=500')).json() as { data: InteractionSummary[] };
  return page.data;
}

beforeAll(async () => {
  // Priced, so that costs are not all zero.
  gateway = await startTestGateway(`
prices:
  offline-extractive: { inputPerMillion: 1000, outputPerMillion: 1000 }
`);
  const project = (
    await sendRequest(gateway.baseUrl, {
      path: '/api/projects',
      key: gateway.adminKey,
      json: { name: 'other' },
    })
  ).json() as { id: string };
  otherProjectId = project.id;
  otherKey = await gateway.createKey({ role: 'app', name: 'other app', project: 'other' });
  developerKey = await gateway.createKey({ role: 'developer', name: 'other developer', project: 'other' });
  limitedKey = await gateway.createKey({
    role: 'app',
    name: 'limited',
    limits: { requestsPerMinute: 100, spendPerDayUsd: 5 },
  });
  limitedKeyId = await keyIdNamed('limited');
  // Keep the requests of the usage test in one minute window.
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 10_000) await sleep(left + 50);
  startedAt = Date.now();
  for (let index = 0; index < 4; index++) await chat(gateway.appKey, index % 2 === 1);
  for (let index = 0; index < 3; index++) await chat(otherKey);
  for (let index = 0; index < 2; index++) await chat(limitedKey);
  await gateway.flushLog();
  // Waiting for a fresh minute may take up to 10 s.
}, 30_000);

afterAll(async () => {
  await gateway.close();
});

describe('GET /api/stats/overview', () => {
  it('reports the last 24 hours: totals, an hourly series and a breakdown, as the log says', async () => {
    const answer = await get('/api/stats/overview');
    expect(answer.status, answer.text).toBe(200);
    const overview = answer.json() as Overview;
    const logged = await loggedInteractions();
    expect(logged).toHaveLength(9);
    expect(overview.bucketMs).toBe(HOUR);
    expect(overview.until - overview.since).toBeGreaterThanOrEqual(24 * HOUR);
    expect(overview.until).toBeGreaterThan(startedAt);
    expect(overview.totals).toMatchObject({
      requests: 9,
      errors: 0,
      errorRate: 0,
      promptTokens: logged.reduce((sum, item) => sum + item.promptTokens, 0),
      completionTokens: logged.reduce((sum, item) => sum + item.completionTokens, 0),
      totalTokens: logged.reduce((sum, item) => sum + item.totalTokens, 0),
    });
    const cost = logged.reduce((sum, item) => sum + item.costUsd, 0);
    expect(cost).toBeGreaterThan(0);
    expect(overview.totals.costUsd).toBeCloseTo(cost, 8);
    expect(overview.totals.latencyP50Ms).not.toBeNull();
    expect(overview.totals.latencyP95Ms as number).toBeGreaterThanOrEqual(
      overview.totals.latencyP50Ms as number,
    );
    // Two of the requests were streamed: they have a time to first token.
    expect(overview.totals.ttftP50Ms).not.toBeNull();
    // Every bucket of the range is present, empty ones as zeros, and they add up to the totals.
    expect(overview.series.length).toBeGreaterThanOrEqual(24);
    expect(overview.series.length).toBeLessThanOrEqual(26);
    expect(overview.series.reduce((sum, point) => sum + point.requests, 0)).toBe(9);
    expect(
      overview.series.filter((point) => point.requests === 0).every((point) => point.latencyP50Ms === null),
    ).toBe(true);
    expect(overview.breakdown).toEqual([
      expect.objectContaining({ group: 'offline-extractive', label: 'offline-extractive', requests: 9 }),
    ]);
  });

  it('breaks down by project and by key with names as labels', async () => {
    const byProject = (await get('/api/stats/overview?group_by=project')).json() as Overview;
    expect(byProject.breakdown.map(({ label, requests }) => ({ label, requests }))).toEqual([
      { label: 'default', requests: 6 },
      { label: 'other', requests: 3 },
    ]);
    const byKey = (await get('/api/stats/overview?group_by=key')).json() as Overview;
    expect(byKey.breakdown.map(({ label, requests }) => ({ label, requests }))).toEqual([
      { label: 'app key', requests: 4 },
      { label: 'other app', requests: 3 },
      { label: 'limited', requests: 2 },
    ]);
  });

  it('takes an explicit range and picks the bucket from its length', async () => {
    const since = startedAt - HOUR;
    const overview = (
      await get(`/api/stats/overview?since=${since}&until=${Date.now() + 60_000}`)
    ).json() as Overview;
    expect(overview.bucketMs).toBe(60_000);
    expect(overview.totals.requests).toBe(9);
    const before = (await get(`/api/stats/overview?since=${since - HOUR}&until=${since}`)).json() as Overview;
    expect(before.totals.requests).toBe(0);
    expect(before.totals.latencyP95Ms).toBeNull();
  });

  it('limits a project-scoped key to its own project, whatever it asks for', async () => {
    const own = (await get('/api/stats/overview?group_by=project', developerKey)).json() as Overview;
    expect(own.totals.requests).toBe(3);
    expect(own.breakdown.map((entry) => entry.group)).toEqual([otherProjectId]);
    const asked = (await get('/api/stats/overview?project=default', developerKey)).json() as Overview;
    expect(asked.totals.requests).toBe(3);
    const admin = (await get(`/api/stats/overview?project=${otherProjectId}`)).json() as Overview;
    expect(admin.totals.requests).toBe(3);
  });

  it('refuses callers without read permission', async () => {
    expectOpenAiError(await get('/api/stats/overview', null), 'unauthorized');
    expectOpenAiError(await get('/api/stats/overview', gateway.appKey), 'forbidden');
  });

  it('answers 400 in the OpenAI shape to bad ranges and parameters', async () => {
    const now = Date.now();
    for (const query of [
      `since=${now}&until=${now - 1}`,
      `since=${now}&until=${now}`,
      'since=yesterday',
      'until=-5',
      `since=0&until=${400 * 24 * HOUR}`,
      'group_by=user',
      'bucket=60000',
    ]) {
      const error = expectOpenAiError(await get(`/api/stats/overview?${query}`), 'invalid_request');
      expect(error.message.length, query).toBeGreaterThan(0);
    }
  });
});

describe('GET /api/keys/:id/usage', () => {
  it('shows a key’s limits and its usage in the current windows', async () => {
    const answer = await get(`/api/keys/${limitedKeyId}/usage`);
    expect(answer.status, answer.text).toBe(200);
    const report = answer.json() as KeyUsageReport;
    const own = (await loggedInteractions()).filter((item) => item.apiKeyId === limitedKeyId);
    expect(own).toHaveLength(2);
    expect(report.keyId).toBe(limitedKeyId);
    expect(report.limits).toEqual({ requestsPerMinute: 100, spendPerDayUsd: 5 });
    // Within the minute the requests were made in (the test started them away from a minute's end).
    if (Math.floor(Date.now() / 60_000) === Math.floor(startedAt / 60_000)) {
      expect(report.usage.requestsThisMinute).toBe(2);
      expect(report.usage.tokensThisMinute).toBe(own.reduce((sum, item) => sum + item.totalTokens, 0));
    }
    const spend = own.reduce((sum, item) => sum + item.costUsd, 0);
    expect(spend).toBeGreaterThan(0.001);
    expect(report.usage.spendTodayUsd).toBeCloseTo(spend, 5);
    expect(report.usage.spendThisMonthUsd).toBeCloseTo(spend, 5);
  });

  it('answers 404 for an unknown key and for another project’s key to a scoped caller', async () => {
    expectOpenAiError(await get('/api/keys/key_missing/usage'), 'not_found');
    expectOpenAiError(await get(`/api/keys/${limitedKeyId}/usage`, developerKey), 'not_found');
    const otherKeyId = await keyIdNamed('other app');
    expect((await get(`/api/keys/${otherKeyId}/usage`, developerKey)).status).toBe(200);
    expectOpenAiError(await get(`/api/keys/${otherKeyId}/usage`, gateway.appKey), 'forbidden');
  });
});
