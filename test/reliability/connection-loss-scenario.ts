import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'vitest';
import { JobHistory } from './job-history.js';
import { eventually } from './queue-scenarios.js';
import { openReliabilityQueue } from './reliability-queue-spec.js';
import type { TcpFaultProxy } from './tcp-fault-proxy.js';

/** The broker's node stops and starts again (its quorum queues recover from disk), as in a rolling restart. */
function restartBroker(): void {
  execFileSync('rabbitmqctl', ['-q', 'stop_app'], { stdio: 'ignore' });
  execFileSync('rabbitmqctl', ['-q', 'start_app'], { stdio: 'ignore' });
  execFileSync('rabbitmqctl', ['-q', 'await_startup'], { stdio: 'ignore' });
}

/**
 * Connection loss: a producer and a consumer, each on its own connection through `proxy`, move `jobs` jobs while
 * the proxy cuts every connection `cuts` times and the broker restarts once. Nothing accepted may be lost, no
 * effect may be applied twice (duplicate deliveries are counted), and consumption resumes within 30 s of the
 * restart.
 */
export async function runConnectionLossScenario(options: {
  proxy: TcpFaultProxy;
  prefix: string;
  jobs: number;
  cuts: number;
}) {
  const spec = {
    kind: 'rabbitmq' as const,
    url: `amqp://guest:guest@127.0.0.1:${options.proxy.port}`,
    prefix: options.prefix,
  };
  const producer = await openReliabilityQueue(spec);
  const worker = await openReliabilityQueue(spec);
  const jobName = `reliability.connection.${randomUUID().slice(0, 8)}`;
  const history = new JobHistory();
  const consumer = await worker.consume(jobName, async (delivery) => history.commit(delivery.id), {
    concurrency: 20,
  });
  let producing = true;
  const enqueueFailures: unknown[] = [];
  const production = (async () => {
    for (let batch = 0; batch * 100 < options.jobs; batch += 1) {
      const ids = Array.from({ length: 100 }, (_, index) => `conn-${batch}-${index}`);
      try {
        await producer.enqueue(ids.map((id) => ({ id, name: jobName, payload: { id } })));
        history.accept(ids);
      } catch (error) {
        enqueueFailures.push(error);
      }
      await sleep(5);
    }
    producing = false;
  })();
  let resumedAfterMs: number | undefined;
  try {
    for (let cut = 0; cut < options.cuts; cut += 1) {
      await sleep(150);
      // Each cut finds both connections up again (the producer's and the worker's), so that each one counts.
      await eventually(() => options.proxy.open >= 2, 'both connections back', 30_000);
      options.proxy.cutAll();
      if (cut === options.cuts / 2) {
        // One outage that outlasts a reconnection attempt or two: enqueues wait, then go through.
        options.proxy.refuseNew();
        await sleep(400);
        options.proxy.acceptNew();
      }
    }
    await sleep(200);
    restartBroker();
    const restartedAt = Date.now();
    const effectsAtRestart = history.effects.size + history.duplicateDeliveries;
    await production;
    await eventually(
      () => history.effects.size + history.duplicateDeliveries > effectsAtRestart || !producing,
      'consumption to resume after the broker restart',
      30_000,
    );
    await eventually(() => history.compare().lost.length === 0, 'every accepted job processed', 30_000);
    resumedAfterMs = history.lastEffectAt - restartedAt;
    await sleep(300);
  } finally {
    await consumer.close();
    await Promise.all([producer.close(), worker.close()]);
  }
  expect(enqueueFailures).toEqual([]);
  expect(history.compare()).toEqual({ lost: [], phantoms: [] });
  expect(history.accepted.size).toBe(options.jobs);
  return {
    accepted: history.accepted.size,
    effects: history.effects.size,
    duplicateDeliveries: history.duplicateDeliveries,
    connectionsCut: options.proxy.cuts,
    drainedAfterRestartMs: resumedAfterMs,
  };
}
