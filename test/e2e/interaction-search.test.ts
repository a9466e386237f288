import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionSummary } from '../../src/ports/interaction-store.js';
import { expectOpenAiError } from './expect-openai-error.js';
import { sendRequest } from './send-request.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

let gateway: TestGateway;
const serverErrors: unknown[] = [];

interface Listing {
  data: InteractionSummary[];
  next_cursor: string | null;
}

const list = (query: Record<string, string>, key = gateway.adminKey) =>
  sendRequest(gateway.baseUrl, { path: `/api/interactions?${new URLSearchParams(query)}`, key });

async function listIds(query: Record<string, string>, key?: string): Promise<string[]> {
  const answer = await list(query, key);
  expect(answer.status, answer.text).toBe(200);
  return (answer.json() as Listing).data.map((item) => item.id);
}

const ask = (content: string, model = 'offline-extractive') =>
  sendRequest(gateway.baseUrl, {
    path: '/v1/chat/completions',
    key: gateway.appKey,
    json: { model, messages: [{ role: 'user', content }], user: 'user-9' },
  });

const ids: Record<string, string> = {};

beforeAll(async () => {
  gateway = await startTestGateway('', serverErrors);
  for (const [name, content] of [
    ['porcupine', 'Do porcupines throw their quills? Write to me at jane.roe@example.com'],
    ['creme', 'A crème brûlée needs a blowtorch and patience.'],
    ['harbour', 'The ship left the harbour at dawn, then the ship returned.'],
  ] as const) {
    const answer = await ask(content);
    expect(answer.status, answer.text).toBe(200);
    ids[name] = answer.headers['x-slipway-interaction-id'] ?? '';
  }
  const embedded = await sendRequest(gateway.baseUrl, {
    path: '/v1/embeddings',
    key: gateway.appKey,
    json: { model: 'offline-hashed-ngrams', input: ['Lighthouse keepers log'] },
  });
  expect(embedded.status, embedded.text).toBe(200);
  await gateway.flushLog();
});

afterAll(async () => {
  await gateway.close();
  expect(serverErrors).toEqual([]);
});

describe('GET /api/interactions search through the server', () => {
  it('finds interactions by words of the request, ignoring case and diacritics, newest first', async () => {
    expect(await listIds({ q: 'QUILLS porcupines' })).toEqual([ids['porcupine']]);
    expect(await listIds({ q: 'creme BRULEE' })).toEqual([ids['creme']]);
    expect(await listIds({ q: '"ship returned"' })).toHaveLength(1);
    expect(await listIds({ q: '"returned ship"' })).toEqual([]);
    expect(await listIds({ q: 'lighthouse keep*' })).toHaveLength(1);
    expect(await listIds({ q: 'harbour' })).toEqual([ids['harbour']]);
  });

  it('searches the redacted text: the e-mail address does not match, its mask does', async () => {
    expect(await listIds({ q: 'jane.roe@example.com' })).toEqual([]);
    expect(await listIds({ q: 'email quills' })).toHaveLength(1);
  });

  it('combines search with filters and sorts, paging with the cursor', async () => {
    expect(
      await listIds({ q: 'ship', model: 'offline-extractive', status: 'success', user: 'user-9' }),
    ).toHaveLength(1);
    expect(await listIds({ q: 'ship', model: 'offline-hashed-ngrams' })).toEqual([]);
    expect(
      await listIds({ min_cost: '0', max_cost: '1000.5', min_latency: '0', max_latency: '600000' }),
    ).toHaveLength(4);
    expect(await listIds({ prompt: 'nothing-named-so' })).toEqual([]);
    for (const sort of ['recent', 'cost', 'latency']) {
      const all = await listIds({ sort });
      expect(all).toHaveLength(4);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const answer = await list({ sort, limit: '1', ...(cursor === null ? {} : { cursor }) });
        const page = answer.json() as Listing;
        paged.push(...page.data.map((item) => item.id));
        cursor = page.next_cursor;
      } while (cursor !== null);
      expect(paged).toEqual(all);
    }
  });

  it('limits a project-scoped key to its project', async () => {
    const created = await sendRequest(gateway.baseUrl, {
      path: '/api/projects',
      key: gateway.adminKey,
      json: { name: 'elsewhere' },
    });
    expect(created.status, created.text).toBe(201);
    const project = (created.json() as { id: string }).id;
    const viewer = await gateway.createKey({ role: 'viewer', project });
    expect(await listIds({ q: 'ship' }, viewer)).toEqual([]);
    expect(await listIds({ q: 'ship' })).toHaveLength(1);
  });

  it('answers bad parameters with 400 invalid_request on the parameter', async () => {
    for (const [query, param] of [
      [{ q: '***' }, 'q'],
      [{ q: '' }, 'q'],
      [{ q: 'x'.repeat(1_001) }, 'q'],
      [{ sort: 'size' }, 'sort'],
      [{ min_cost: '-1' }, 'min_cost'],
      [{ max_cost: '1e3' }, 'max_cost'],
      [{ min_latency: '1.5' }, 'min_latency'],
      [{ max_latency: '99999999999999' }, 'max_latency'],
      [{ since: '99999999999999999999' }, 'since'],
    ] as const) {
      const error = expectOpenAiError(await list(query), 'invalid_request');
      expect(error.param, JSON.stringify(query)).toBe(param);
    }
    const { next_cursor: cursor } = (await list({ sort: 'cost', limit: '1' })).json() as Listing;
    expect(cursor).not.toBeNull();
    const error = expectOpenAiError(await list({ sort: 'latency', cursor: cursor ?? '' }), 'invalid_request');
    expect(error.param).toBe('cursor');
  });

  it('answers any q with results or a 400, never a server error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 60 }),
          fc.string({ unit: fc.constantFrom(...'ship "*():^\'&|!<>-\\+%#;NEAROR'), maxLength: 40 }),
        ),
        async (q) => {
          const answer = await list({ q });
          if (answer.status === 200) expect((answer.json() as Listing).data.length).toBeLessThanOrEqual(4);
          else expect(expectOpenAiError(answer, 'invalid_request').param).toBe('q');
        },
      ),
      { numRuns: 80 },
    );
  });
});
