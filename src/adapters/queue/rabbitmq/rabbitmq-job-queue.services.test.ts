import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeJobQueue } from '../../../../test/contract/job-queue.contract.js';
import {
  aRabbitMqPrefix,
  deleteRabbitMqPrefix,
  RABBITMQ_URL,
  rabbitMqAddress,
} from '../../../../test/reliability/rabbitmq-test-broker.js';
import { TcpFaultProxy } from '../../../../test/reliability/tcp-fault-proxy.js';
import { aJobName, DeliveryLog, sleep, waitFor } from '../../../../test/contract/job-queue-harness.js';
import { SlipwayError } from '../../../core/errors.js';
import type { JobQueue } from '../../../ports/job-queue.js';
import { openRabbitMqJobQueue } from './index.js';
import type { RabbitMqJobQueueOptions } from './index.js';

const prefix = aRabbitMqPrefix('contract');
let proxy: TcpFaultProxy;

const optionsVia = (url: string): RabbitMqJobQueueOptions => ({
  url,
  prefix,
  confirmWindow: 100,
  prefetch: 50,
  defaultMaxAttempts: 5,
  backoff: { baseMs: 20, maxMs: 80 },
  reconnect: { baseMs: 20, maxMs: 200 },
  publishTimeoutMs: 5_000,
  logError: () => undefined,
});

beforeAll(async () => {
  proxy = await TcpFaultProxy.start(rabbitMqAddress());
});

afterAll(async () => {
  await proxy.close();
  await deleteRabbitMqPrefix(prefix);
});

// Through the proxy, so that a lost lease is what it is on a broker: a cut connection.
describeJobQueue(
  'rabbitmq',
  async () => {
    let queue: JobQueue = await openRabbitMqJobQueue(
      optionsVia(`amqp://guest:guest@127.0.0.1:${proxy.port}`),
    );
    return {
      get queue() {
        return queue;
      },
      reopen: async () => {
        await queue.close();
        queue = await openRabbitMqJobQueue(optionsVia(`amqp://guest:guest@127.0.0.1:${proxy.port}`));
        return queue;
      },
      loseLeases: async () => proxy.cutAll(),
      close: () => queue.close(),
    };
  },
  { settleMs: 600, capabilities: { dedupesIds: false, reportsDelayed: false } },
);

describe('rabbitmq job queue', () => {
  it('fails to open when the broker is unreachable', async () => {
    await expect(openRabbitMqJobQueue(optionsVia('amqp://guest:guest@127.0.0.1:1'))).rejects.toThrow();
  });

  it('refuses a confirm window under 100 and a job name that is not a plain name', async () => {
    await expect(
      openRabbitMqJobQueue({ ...optionsVia(RABBITMQ_URL), confirmWindow: 1 }),
    ).rejects.toMatchObject({
      code: 'invalid_request',
    });
    await expect(
      openRabbitMqJobQueue({ ...optionsVia(RABBITMQ_URL), publishTimeoutMs: 0 }),
    ).rejects.toMatchObject({ code: 'invalid_request', message: /publishTimeoutMs/ });
    const queue = await openRabbitMqJobQueue(optionsVia(RABBITMQ_URL));
    try {
      await expect(queue.enqueue([{ id: 'x', name: 'bad name/#', payload: {} }])).rejects.toMatchObject({
        code: 'invalid_request',
      });
    } finally {
      await queue.close();
    }
  });

  it('rejects an enqueue, stats and a listing after publishTimeoutMs while the broker is unreachable', async () => {
    const timeoutMs = 300;
    const queue = await openRabbitMqJobQueue({
      ...optionsVia(`amqp://guest:guest@127.0.0.1:${proxy.port}`),
      publishTimeoutMs: timeoutMs,
    });
    const known = aJobName('deadline');
    try {
      await queue.enqueue([{ id: 'before', name: known, payload: {} }]);
      proxy.refuseNew();
      proxy.cutAll();
      const calls: Array<[string, () => Promise<unknown>]> = [
        // A name already declared waits on the publisher; a new one waits on declaring its queues.
        ['enqueue', () => queue.enqueue([{ id: 'during', name: known, payload: {} }])],
        ['enqueue of a new name', () => queue.enqueue([{ id: 'new', name: aJobName('new'), payload: {} }])],
        ['stats', () => queue.stats()],
        ['listDeadLetters', () => queue.listDeadLetters({ name: known, limit: 10 })],
      ];
      for (const [what, call] of calls) {
        const started = Date.now();
        const error: unknown = await call().then(
          () => undefined,
          (rejection: unknown) => rejection,
        );
        const waitedMs = Date.now() - started;
        expect(error, what).toBeInstanceOf(SlipwayError);
        expect(error, what).toMatchObject({ code: 'upstream_unavailable', retryable: true });
        expect((error as Error).message, what).toContain(`RabbitMQ at 127.0.0.1:${proxy.port}`);
        expect((error as Error).message, what).not.toContain('guest');
        expect(waitedMs, what).toBeGreaterThanOrEqual(timeoutMs - 5);
        expect(waitedMs, what).toBeLessThan(timeoutMs + 1_000);
      }
      proxy.acceptNew();
      await queue.enqueue([{ id: 'after', name: known, payload: {} }]);
      const log = new DeliveryLog();
      const consumer = await queue.consume(known, async (delivery) => log.record(delivery), {
        concurrency: 1,
      });
      await waitFor(() => log.deliveries.length === 2, { timeoutMs: 5_000, what: 'the two accepted jobs' });
      await sleep(200);
      await consumer.close();
      // The job whose enqueue timed out never left this process: it was not sent again on reconnect.
      expect(log.ids()).toEqual(['before', 'after']);
    } finally {
      proxy.acceptNew();
      await queue.close();
    }
  });
});
