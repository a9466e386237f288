import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatApiKey } from '../../src/core/api-key-format.js';
import { startMockUpstream, type MockUpstream } from '../doubles/mock-upstream.js';
import { buildSlipwayIfStale } from './build-slipway.js';
import { createFreshDatabase, type FreshDatabase } from './fresh-database.js';
import { startSlipwayProcess, type SlipwayProcess } from './slipway-process.js';

/**
 * The requirement: one limit holds across several API processes on PostgreSQL (atomic SQL, no periodic
 * sync); many concurrent requests on two processes never spend past the budget by more than one reservation.
 */

// Seven words: the mock answers every request with usage { prompt_tokens: 10, completion_tokens: 7 }.
const CONTENT = 'A slipway launches ships into the water.';
const USAGE = { prompt_tokens: 10, completion_tokens: 7 };
// Prices chosen so that a token costs a whole number of micro-USD (USD per million tokens = micro-USD per token).
const PRICE = { inputPerMillion: 1_000, outputPerMillion: 3_000 };
const COST_MICRO_USD =
  USAGE.prompt_tokens * PRICE.inputPerMillion + USAGE.completion_tokens * PRICE.outputPerMillion;
const BUDGET_REQUESTS = 40;
const BUDGET_MICRO_USD = BUDGET_REQUESTS * COST_MICRO_USD;
// At least the mock's completion, so that the reservation (prompt as counted plus max_tokens) covers the real cost.
const MAX_TOKENS = 8;
const BUDGET_BURST = 300;
const RPM_LIMIT = 20;
const RPM_BURST = 3 * RPM_LIMIT;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: {
    usage?: { prompt_tokens: number; completion_tokens: number };
    error?: { code: string; type: string };
  };
}

let mock: MockUpstream;
let database: FreshDatabase | undefined;
let workDir: string | undefined;
const gateways: SlipwayProcess[] = [];
const agent = new Agent();

function configYaml(upstreamUrl: string): string {
  return `
providers:
  - { id: mock, kind: openai-compatible, baseUrl: "${upstreamUrl}", apiKey: upstream-key }
routes:
  - { model: priced-model, targets: [ { provider: mock, model: priced-upstream } ] }
  - { model: free-model, targets: [ { provider: mock, model: free-upstream } ] }
prices:
  priced-upstream: { inputPerMillion: ${PRICE.inputPerMillion}, outputPerMillion: ${PRICE.outputPerMillion} }
limits:
  perProject: { spendPerDayUsd: ${BUDGET_MICRO_USD / 1_000_000} }
`;
}

async function call(options: {
  origin: string;
  path: string;
  token: string;
  body: unknown;
}): Promise<Answer> {
  const response = await request(`${options.origin}${options.path}`, {
    method: 'POST',
    dispatcher: agent,
    headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(options.body),
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    body: (await response.body.json()) as Answer['body'],
  };
}

/** Creates a key through the admin API of one process, as an operator would. */
async function createKey(
  gateway: SlipwayProcess,
  adminKey: string,
  body: Record<string, unknown>,
): Promise<{ secret: string; projectId: string; keyId: string }> {
  const answer = await call({ origin: gateway.origin, path: '/api/keys', token: adminKey, body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  const created = answer.body as unknown as { secret: string; key: { id: string; projectId: string } };
  return { secret: created.secret, projectId: created.key.projectId, keyId: created.key.id };
}

function chat(options: { gateway: SlipwayProcess; token: string; model: string }): Promise<Answer> {
  return call({
    origin: options.gateway.origin,
    path: '/v1/chat/completions',
    token: options.token,
    body: {
      model: options.model,
      messages: [{ role: 'user', content: 'Say something about ships.' }],
      max_tokens: MAX_TOKENS,
    },
  });
}

/** `count` requests all at once, alternating between the two processes. */
function burst(options: { count: number; token: string; model: string }): Promise<Answer[]> {
  return Promise.all(
    Array.from({ length: options.count }, (_, index) =>
      chat({ gateway: gateways[index % gateways.length] as SlipwayProcess, ...options }),
    ),
  );
}

/**
 * Limits count in aligned windows (the minute; the UTC day, which also ends on a minute): a burst that straddles
 * the turn of a minute would be counted in two windows. Waits for the next minute when this one is nearly over.
 */
async function awayFromWindowTurn(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 15_000) await sleep(left + 100);
}

const header = (answer: Answer, name: string) => String(answer.headers[name]);

function statusCounts(answers: readonly Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const answer of answers) counts[answer.status] = (counts[answer.status] ?? 0) + 1;
  return counts;
}

async function waitForLoggedInteractions(projectId: string, expected: number): Promise<void> {
  const deadline = performance.now() + 10_000;
  let logged = -1;
  while (performance.now() < deadline) {
    const [row] = await requireDatabase().query<{ count: string }>(
      'select count(*) from interactions where project_id = $1',
      [projectId],
    );
    logged = Number(row?.count);
    if (logged >= expected) break;
    await sleep(50);
  }
  expect(logged, 'interactions logged').toBe(expected);
}

function requireDatabase(): FreshDatabase {
  if (database === undefined) throw new Error('the database was not created');
  return database;
}

async function counterUsed(counter: string): Promise<number> {
  const [row] = await requireDatabase().query<{ used: string | null }>(
    'select sum(used) as used from usage_counters where counter = $1',
    [counter],
  );
  return Number(row?.used ?? 0);
}

const adminKey = formatApiKey(randomBytes(32));

beforeAll(async () => {
  buildSlipwayIfStale();
  database = await createFreshDatabase('slipway_race');
  mock = await startMockUpstream({ content: CONTENT, record: false });
  workDir = mkdtempSync(join(tmpdir(), 'slipway-race-'));
  const configPath = join(workDir, 'slipway.yaml');
  writeFileSync(configPath, configYaml(mock.url));
  // One after the other: two processes registering the same SLIPWAY_ADMIN_KEY at the same instant race on
  // the key's unique digest, and the loser exits (a start-up race, not the budget race this file is about).
  for (const name of ['a', 'b']) {
    gateways.push(
      await startSlipwayProcess({
        env: {
          SLIPWAY_CONFIG: configPath,
          SLIPWAY_DATA_DIR: join(workDir, name),
          SLIPWAY_STORE_URL: database.url,
          SLIPWAY_ADMIN_KEY: adminKey,
          SLIPWAY_LOG_FLUSH_MS: '20',
        },
      }),
    );
  }
});

afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.stop()));
  await agent.close();
  await mock?.close();
  await database?.drop();
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
});

describe('limits shared by two API processes on PostgreSQL', () => {
  it('never spends past a project budget by more than one reservation under concurrent requests', async () => {
    const [first, second] = gateways as [SlipwayProcess, SlipwayProcess];
    const { secret, projectId } = await createKey(first, adminKey, { name: 'budget race', role: 'app' });
    const spendCounter = `project:${projectId}:spend-day`;

    await awayFromWindowTurn();
    const answers = await burst({ count: BUDGET_BURST, token: secret, model: 'priced-model' });
    expect(Object.keys(statusCounts(answers)).sort(), JSON.stringify(statusCounts(answers))).toEqual([
      '200',
      '429',
    ]);
    const burstSuccesses = answers.filter((answer) => answer.status === 200);
    for (const success of burstSuccesses) expect(success.body.usage).toMatchObject(USAGE);

    // The largest amount one request holds while in flight, as the ledger recorded it.
    const [reservationRow] = await requireDatabase().query<{ reserved: string }>(
      'select max(reserved) as reserved from reservations where counter = $1',
      [spendCounter],
    );
    const reservation = Number(reservationRow?.reserved);
    expect(reservation).toBeGreaterThanOrEqual(COST_MICRO_USD);
    expect(burstSuccesses.length * COST_MICRO_USD).toBeLessThanOrEqual(BUDGET_MICRO_USD + reservation);

    // Requests in flight hold their worst case, so the burst may leave some budget unspent; one request at a
    // time, on either process, takes the budget to where the next reservation no longer fits.
    const topUp: Answer[] = [];
    for (let index = 0; index < BUDGET_REQUESTS; index++) {
      const answer = await chat({
        gateway: gateways[index % 2] as SlipwayProcess,
        token: secret,
        model: 'priced-model',
      });
      topUp.push(answer);
      if (answer.status !== 200) break;
    }
    const closing = await Promise.all(
      [first, second].map((gateway) => chat({ gateway, token: secret, model: 'priced-model' })),
    );
    const all = [...answers, ...topUp, ...closing];
    const successes = all.filter((answer) => answer.status === 200).length;
    const spent = successes * COST_MICRO_USD;
    expect(spent).toBeLessThanOrEqual(BUDGET_MICRO_USD + reservation);
    expect(spent).toBeGreaterThan(BUDGET_MICRO_USD - reservation);
    expect(closing.map((answer) => answer.status)).toEqual([429, 429]);

    for (const refused of all.filter((answer) => answer.status !== 200)) {
      expect(refused.status).toBe(429);
      expect(refused.body.error).toMatchObject({ code: 'budget_exceeded', type: 'insufficient_quota' });
      expect(Number(header(refused, 'retry-after'))).toBeGreaterThanOrEqual(1);
      expect(header(refused, 'x-ratelimit-limit-budget-usd')).toBe(String(BUDGET_MICRO_USD / 1_000_000));
      expect(Number(header(refused, 'x-ratelimit-remaining-budget-usd'))).toBeLessThan(
        reservation / 1_000_000,
      );
      expect(header(refused, 'x-ratelimit-reset-budget-usd')).toMatch(/^\d+s$/);
    }

    // The ledger, settled to the real cost, and the interaction log agree on what was spent.
    await waitForLoggedInteractions(projectId, all.length);
    expect(await counterUsed(spendCounter)).toBe(spent);
    const [logged] = await requireDatabase().query<{ successes: string; cost: number; refused: string }>(
      `select count(*) filter (where status = 'success') as successes,
              coalesce(sum(cost_usd) filter (where status = 'success'), 0) as cost,
              count(*) filter (where status = 'error' and error_code = 'budget_exceeded') as refused
         from interactions where project_id = $1`,
      [projectId],
    );
    expect(Number(logged?.successes)).toBe(successes);
    expect(Number(logged?.refused)).toBe(all.length - successes);
    expect(Number(logged?.cost) * 1_000_000).toBeCloseTo(spent, 3);
    const [open] = await requireDatabase().query<{ count: string }>(
      'select count(*) from reservations where counter = $1 and not settled',
      [spendCounter],
    );
    expect(Number(open?.count)).toBe(0);

    console.info(
      `budget race: ${burstSuccesses.length}/${BUDGET_BURST} burst + ${successes - burstSuccesses.length} ` +
        `sequential successes; spent $${spent / 1e6} of $${BUDGET_MICRO_USD / 1e6} ` +
        `(overshoot $${Math.max(0, spent - BUDGET_MICRO_USD) / 1e6}, one reservation $${reservation / 1e6})`,
    );
  });

  it('grants exactly the requests-per-minute limit across both processes', async () => {
    const [, second] = gateways as [SlipwayProcess, SlipwayProcess];
    // A project of its own, so that the budget spent above does not refuse these requests.
    const project = await call({
      origin: second.origin,
      path: '/api/projects',
      token: adminKey,
      body: { name: 'rpm-race' },
    });
    expect(project.status).toBe(201);
    const { secret, keyId } = await createKey(second, adminKey, {
      name: 'rpm race',
      role: 'app',
      project: 'rpm-race',
      limits: { requestsPerMinute: RPM_LIMIT },
    });

    await awayFromWindowTurn();
    const answers = await burst({ count: RPM_BURST, token: secret, model: 'free-model' });
    expect(statusCounts(answers)).toEqual({ 200: RPM_LIMIT, 429: RPM_BURST - RPM_LIMIT });
    for (const refused of answers.filter((answer) => answer.status === 429)) {
      expect(refused.body.error).toMatchObject({ code: 'rate_limited', type: 'rate_limit_error' });
      expect(Number(header(refused, 'retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(header(refused, 'retry-after'))).toBeLessThanOrEqual(60);
      expect(header(refused, 'x-ratelimit-limit-requests')).toBe(String(RPM_LIMIT));
      expect(header(refused, 'x-ratelimit-remaining-requests')).toBe('0');
      expect(header(refused, 'x-ratelimit-reset-requests')).toMatch(/^\d+s$/);
    }
    expect(await counterUsed(`key:${keyId}:rpm`)).toBe(RPM_LIMIT);
  });
});
