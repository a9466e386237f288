import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { forkChild, killHard, waitForMessage } from './child-processes.js';
import { JobHistory } from './job-history.js';
import { openReliabilityQueue, type ReliabilityQueueSpec } from './reliability-queue-spec.js';
import { SqliteEffectLog } from './sqlite-effect-log.js';

const jobNameFor = (label: string) => `reliability.${label}.${randomUUID().slice(0, 8)}`;

/** Polls until `check` holds, failing with `what` after `timeoutMs`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

/**
 * Worker crash: worker processes are SIGKILLed mid-job `kills` times (a fresh one replaces each); every job must
 * end up with exactly one effect, and none may be dead-lettered for it.
 */
export async function runWorkerCrashScenario(
  spec: ReliabilityQueueSpec,
  options: { jobs: number; kills: number },
) {
  const directory = mkdtempSync(join(tmpdir(), 'slipway-worker-crash-'));
  const effectsPath = join(directory, 'effects.sqlite');
  const effects = new SqliteEffectLog(effectsPath);
  const jobName = jobNameFor('crash');
  const queue = await openReliabilityQueue(spec);
  const orders = { spec, effectsPath, jobName, handlerMs: 40, concurrency: 4 };
  const workers = [forkChild('./worker-child.ts', orders), forkChild('./worker-child.ts', orders)];
  try {
    const ids = Array.from({ length: options.jobs }, (_, index) => `crash-${index}`);
    await queue.enqueue(ids.map((id) => ({ id, name: jobName, payload: { id } })));
    await Promise.all(workers.map((worker) => waitForMessage(worker, 'ready')));
    for (let kill = 0; kill < options.kills; kill += 1) {
      await sleep(250);
      const victim = workers.shift();
      if (victim) await killHard(victim);
      const replacement = forkChild('./worker-child.ts', orders);
      workers.push(replacement);
    }
    // The kills landed while work remained, so some of them interrupted handlers.
    const effectsAtLastKill = effects.effectIds().size;
    expect(effectsAtLastKill).toBeLessThan(options.jobs);
    await eventually(() => effects.effectIds().size === options.jobs, `${options.jobs} effects`, 60_000);
    const committed = effects.effectIds();
    expect(ids.filter((id) => !committed.has(id))).toEqual([]);
    expect(committed.size).toBe(options.jobs);
    expect(await queue.listDeadLetters({ name: jobName, limit: 10 })).toEqual([]);
    return {
      jobs: options.jobs,
      kills: options.kills,
      effectsAtLastKill,
      duplicateDeliveries: effects.deliveryCount() - committed.size,
    };
  } finally {
    await Promise.all(workers.map((worker) => killHard(worker)));
    await queue.close();
    effects.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * Poison message: one job that always throws is dead-lettered after exactly maxAttempts attempts with its reason,
 * while the healthy jobs around it all complete.
 */
export async function runPoisonScenario(
  spec: ReliabilityQueueSpec,
  options: { healthy: number; maxAttempts: number },
) {
  const queue = await openReliabilityQueue(spec);
  const jobName = jobNameFor('poison');
  const history = new JobHistory();
  let poisonAttempts = 0;
  try {
    const jobs = [
      { id: 'poison', name: jobName, payload: {}, maxAttempts: options.maxAttempts },
      ...Array.from({ length: options.healthy }, (_, index) => ({
        id: `healthy-${index}`,
        name: jobName,
        payload: {},
      })),
    ];
    await queue.enqueue(jobs);
    history.accept(jobs.filter((job) => job.id !== 'poison').map((job) => job.id));
    const consumer = await queue.consume(
      jobName,
      async (delivery) => {
        if (delivery.id !== 'poison') return history.commit(delivery.id);
        poisonAttempts += 1;
        throw new Error(`poisoned (attempt ${delivery.attempt})`);
      },
      { concurrency: 4 },
    );
    await eventually(
      async () =>
        (await queue.listDeadLetters({ name: jobName, limit: 5 })).length === 1 &&
        history.compare().lost.length === 0,
      'the poison dead-lettered and every healthy job done',
      30_000,
    );
    await consumer.close();
    const [deadLetter] = await queue.listDeadLetters({ name: jobName, limit: 5 });
    expect(deadLetter).toMatchObject({
      id: 'poison',
      attempts: options.maxAttempts,
      reason: `poisoned (attempt ${options.maxAttempts})`,
    });
    expect(poisonAttempts).toBe(options.maxAttempts);
    expect(history.compare()).toEqual({ lost: [], phantoms: [] });
    return { healthy: options.healthy, poisonAttempts };
  } finally {
    await queue.close();
  }
}

/**
 * API crash during submissions: a producer process is SIGKILLed while enqueuing; every job whose enqueue had
 * resolved (reported over IPC before the kill) must be processed.
 */
export async function runProducerCrashScenario(
  spec: ReliabilityQueueSpec,
  options: { acceptedBeforeKill: number },
) {
  const jobName = jobNameFor('producer');
  const history = new JobHistory();
  const producer = forkChild('./producer-child.ts', { spec, jobName, batchSize: 50 });
  producer.on('message', (message: { accepted?: string[] }) => {
    if (message.accepted) history.accept(message.accepted);
  });
  try {
    await eventually(() => history.accepted.size >= options.acceptedBeforeKill, 'accepted jobs', 30_000);
  } finally {
    await killHard(producer);
  }
  const queue = await openReliabilityQueue(spec);
  try {
    const consumer = await queue.consume(jobName, async (delivery) => history.commit(delivery.id), {
      concurrency: 8,
    });
    await eventually(() => history.compare().lost.length === 0, 'every accepted job processed', 30_000);
    // Jobs published but not yet reported when the producer died may arrive too: they are not phantoms.
    await sleep(300);
    await consumer.close();
    expect(history.compare().lost).toEqual([]);
    return { accepted: history.accepted.size, processed: history.effects.size };
  } finally {
    await queue.close();
  }
}

/** A queue spec for the embedded queue in a fresh directory, and how to remove it. */
export function anEmbeddedSpec(): { spec: ReliabilityQueueSpec; remove: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'slipway-reliability-'));
  return {
    spec: { kind: 'embedded', path: join(directory, 'queue.sqlite') },
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}
