import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../e2e/start-test-gateway.js';
import { describeOpenAiGateway, REFUND_CONTEXT } from '../e2e/describe-openai-gateway.js';
import { createFreshDatabase, type FreshDatabase } from './fresh-database.js';

let database: FreshDatabase | undefined;
let gateway: TestGateway | undefined;
/** Failures the gateway reported in the background (log writes, settling limits): there must be none. */
const backgroundErrors: unknown[] = [];

beforeAll(async () => {
  database = await createFreshDatabase('slipway_gateway');
  gateway = await startTestGateway(`store: { kind: postgres, url: "${database.url}" }`, backgroundErrors);
});
afterAll(async () => {
  await gateway?.close();
  await database?.drop();
});

function started(): { gateway: TestGateway; database: FreshDatabase } {
  if (gateway === undefined || database === undefined) throw new Error('the gateway did not start');
  return { gateway, database };
}

describeOpenAiGateway('postgres', () => started().gateway);

describe('postgres: the interaction log', () => {
  it('keeps the redacted interaction and its attempt in PostgreSQL tables, the request as JSONB', async () => {
    const { gateway, database } = started();
    const client = new OpenAI({ baseURL: `${gateway.baseUrl}/v1`, apiKey: gateway.appKey, maxRetries: 0 });
    const { response } = await client.chat.completions
      .create({ model: 'offline-extractive', messages: REFUND_CONTEXT })
      .withResponse();
    const id = response.headers.get('x-slipway-interaction-id') ?? '';
    await gateway.flushLog();

    const rows = await database.query<{
      status: string;
      messages: number;
      request: string;
      attempts: string;
    }>(
      `select status, jsonb_array_length(request->'messages') as messages, request::text as request,
              (select count(*) from attempts where interaction_id = interactions.id) as attempts
         from interactions where id = $1`,
      [id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'success', messages: 2, attempts: '1' });
    expect(rows[0]?.request).toContain('[EMAIL]');
    expect(rows[0]?.request).not.toContain('jane.doe@example.com');
  });

  it('reported no failure in the background', () => {
    expect(backgroundErrors).toEqual([]);
  });
});
