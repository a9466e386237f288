import { afterAll, beforeAll } from 'vitest';
import { describePromptsAsCode } from '../e2e/describe-prompts-as-code.js';
import { startTestGateway, type TestGateway } from '../e2e/start-test-gateway.js';
import { createFreshDatabase, type FreshDatabase } from './fresh-database.js';

let database: FreshDatabase | undefined;
let gateway: TestGateway | undefined;

beforeAll(async () => {
  database = await createFreshDatabase('slipway_prompts');
  gateway = await startTestGateway(`store: { kind: postgres, url: "${database.url}" }`);
});
afterAll(async () => {
  await gateway?.close();
  await database?.drop();
});

describePromptsAsCode('postgres', () => {
  if (gateway === undefined) throw new Error('the gateway did not start');
  return gateway;
});
