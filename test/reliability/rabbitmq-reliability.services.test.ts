import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConnectionLossScenario } from './connection-loss-scenario.js';
import { runPoisonScenario, runProducerCrashScenario, runWorkerCrashScenario } from './queue-scenarios.js';
import {
  aRabbitMqPrefix,
  deleteRabbitMqPrefix,
  RABBITMQ_URL,
  rabbitMqAddress,
} from './rabbitmq-test-broker.js';
import { TcpFaultProxy } from './tcp-fault-proxy.js';

const prefix = aRabbitMqPrefix('reliability');
const spec = { kind: 'rabbitmq' as const, url: RABBITMQ_URL, prefix };
let proxy: TcpFaultProxy;

beforeAll(async () => {
  proxy = await TcpFaultProxy.start(rabbitMqAddress());
});

afterAll(async () => {
  await proxy.close();
  await deleteRabbitMqPrefix(prefix);
});

describe('rabbitmq job queue under faults', () => {
  it('loses and duplicates nothing while connections are cut 10 times and the broker restarts', async () => {
    const report = await runConnectionLossScenario({ proxy, prefix, jobs: 3000, cuts: 10 });
    console.info('connection loss:', report);
    expect(report.connectionsCut).toBeGreaterThanOrEqual(20);
  }, 120_000);

  it('applies every job exactly once while workers are SIGKILLed mid-job', async () => {
    const report = await runWorkerCrashScenario(spec, { jobs: 400, kills: 5 });
    console.info('worker crash:', report);
  }, 90_000);

  it('dead-letters a poison job after exactly maxAttempts attempts while healthy jobs flow', async () => {
    await runPoisonScenario(spec, { healthy: 300, maxAttempts: 4 });
  });

  it('processes every job whose enqueue resolved before the producer was SIGKILLed', async () => {
    const report = await runProducerCrashScenario(spec, { acceptedBeforeKill: 500 });
    console.info('producer crash:', report);
  }, 60_000);
});
