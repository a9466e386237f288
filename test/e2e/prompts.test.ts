import { afterAll, beforeAll } from 'vitest';
import { describePromptsAsCode } from './describe-prompts-as-code.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

describePromptsAsCode('sqlite', () => gateway);
