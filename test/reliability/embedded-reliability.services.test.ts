import { afterEach, describe, it } from 'vitest';
import {
  anEmbeddedSpec,
  runPoisonScenario,
  runProducerCrashScenario,
  runWorkerCrashScenario,
} from './queue-scenarios.js';

// The scenarios that apply to a queue without a network: connection loss has no counterpart in one SQLite file.
describe('embedded job queue under faults', () => {
  let remove: () => void = () => undefined;

  afterEach(() => remove());

  it('applies every job exactly once while workers are SIGKILLed mid-job', async () => {
    const embedded = anEmbeddedSpec();
    remove = embedded.remove;
    const report = await runWorkerCrashScenario(embedded.spec, { jobs: 300, kills: 5 });
    console.info('embedded worker crash:', report);
  }, 90_000);

  it('dead-letters a poison job after exactly maxAttempts attempts while healthy jobs flow', async () => {
    const embedded = anEmbeddedSpec();
    remove = embedded.remove;
    await runPoisonScenario(embedded.spec, { healthy: 300, maxAttempts: 4 });
  });

  it('processes every job whose enqueue resolved before the producer was SIGKILLed', async () => {
    const embedded = anEmbeddedSpec();
    remove = embedded.remove;
    const report = await runProducerCrashScenario(embedded.spec, { acceptedBeforeKill: 500 });
    console.info('embedded producer crash:', report);
  }, 60_000);
});
