import { afterAll, beforeAll } from 'vitest';
import { describeOpenAiGateway } from './describe-openai-gateway.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway();
});
afterAll(() => gateway.close());

describeOpenAiGateway('sqlite', () => gateway);
