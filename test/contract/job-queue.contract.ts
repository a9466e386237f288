import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOB_CATALOG } from '../../src/jobs/job-catalog.js';
import type { JobDelivery, JobQueueStats, QueuedJob } from '../../src/ports/job-queue.js';
import type { JobQueueContractOptions, JobQueueUnderTest } from './job-queue-harness.js';
import { abortOf, aJobName, DeliveryLog, sleep, waitFor } from './job-queue-harness.js';
import { describeJobQueueModel } from './job-queue-model.js';

export type { JobQueueContractOptions, JobQueueUnderTest } from './job-queue-harness.js';

/**
 * The JobQueue contract (src/ports/job-queue.ts), run against every adapter. `open` returns a fresh queue each
 * time, configured with small timing knobs (lease, backoff, poll) so that retries and lapsed leases settle well
 * within `options.settleMs`.
 */
export function describeJobQueue(
  name: string,
  open: () => Promise<JobQueueUnderTest>,
  options: JobQueueContractOptions,
): void {
  const { settleMs, capabilities } = options;

  describe(`${name}: job queue`, () => {
    let subject: JobQueueUnderTest;

    beforeEach(async () => {
      subject = await open();
    });

    afterEach(async () => {
      await subject.close();
    });

    const statsOf = async (jobName: string): Promise<JobQueueStats | undefined> =>
      (await subject.queue.stats()).find((stats) => stats.name === jobName);

    it('delivers payloads intact and jobs of one name in enqueue order', async () => {
      const jobName = aJobName('order');
      const payloadOf = (index: number) => ({
        index,
        text: `ligne ${index} — ünïcødé ✓ "quoted" \\ back`,
        nested: { list: [1, 'two', null, { deep: true }], empty: {} },
        big: 2 ** 52 + index,
      });
      const jobs: QueuedJob[] = Array.from({ length: 20 }, (_, index) => ({
        id: `order-${index}`,
        name: jobName,
        payload: payloadOf(index),
      }));
      await subject.queue.enqueue(jobs.slice(0, 10));
      for (const job of jobs.slice(10)) await subject.queue.enqueue([job]);
      const log = new DeliveryLog();
      const consumer = await subject.queue.consume(jobName, async (delivery) => log.record(delivery), {
        concurrency: 1,
      });
      await waitFor(() => log.deliveries.length === 20, { timeoutMs: settleMs * 4, what: '20 deliveries' });
      await consumer.close();
      expect(log.ids()).toEqual(jobs.map((job) => job.id));
      log.deliveries.forEach((delivery, index) => {
        expect(delivery).toMatchObject({ name: jobName, attempt: 1, payload: payloadOf(index) });
        expect(delivery.maxAttempts).toBeGreaterThanOrEqual(1);
        expect(typeof delivery.enqueuedAt).toBe('number');
      });
    });

    it('keeps an enqueued job across a reopen: enqueue resolves once the job is durable', async () => {
      const jobName = aJobName('durable');
      await subject.queue.enqueue([
        { id: 'durable-1', name: jobName, payload: { kept: true }, maxAttempts: 4 },
      ]);
      const reopened = await subject.reopen();
      const log = new DeliveryLog();
      const consumer = await reopened.consume(jobName, async (delivery) => log.record(delivery), {
        concurrency: 1,
      });
      await waitFor(() => log.deliveries.length === 1, { timeoutMs: settleMs, what: 'the kept job' });
      await consumer.close();
      expect(log.deliveries[0]).toMatchObject({
        id: 'durable-1',
        payload: { kept: true },
        attempt: 1,
        maxAttempts: 4,
      });
    });

    it('redelivers a job whose handler threw, with attempt + 1, and not once it succeeded', async () => {
      const jobName = aJobName('retry');
      await subject.queue.enqueue([{ id: 'retry-1', name: jobName, payload: {}, maxAttempts: 5 }]);
      const log = new DeliveryLog();
      const consumer = await subject.queue.consume(
        jobName,
        async (delivery) => {
          log.record(delivery);
          if (delivery.attempt < 3) throw new Error(`failure ${delivery.attempt}`);
        },
        { concurrency: 1 },
      );
      await waitFor(() => log.deliveries.length === 3, { timeoutMs: settleMs * 3, what: 'three deliveries' });
      await sleep(settleMs / 2);
      await consumer.close();
      expect(log.deliveries.map((delivery) => delivery.attempt)).toEqual([1, 2, 3]);
      expect(await subject.queue.listDeadLetters({ name: jobName, limit: 10 })).toEqual([]);
    });

    it('dead-letters a job after maxAttempts failures with its reason, while healthy jobs keep flowing', async () => {
      const jobName = aJobName('poison');
      await subject.queue.enqueue([
        { id: 'poison', name: jobName, payload: { poison: true }, maxAttempts: 3 },
        ...Array.from({ length: 5 }, (_, index) => ({ id: `healthy-${index}`, name: jobName, payload: {} })),
      ]);
      const log = new DeliveryLog();
      const consumer = await subject.queue.consume(
        jobName,
        async (delivery) => {
          log.record(delivery);
          if (delivery.id === 'poison') throw new Error(`poisoned on attempt ${delivery.attempt}`);
        },
        { concurrency: 2 },
      );
      await waitFor(async () => (await statsOf(jobName))?.deadLettered === 1, {
        timeoutMs: settleMs * 4,
        what: 'the poison job in the dead letters',
      });
      await waitFor(() => log.ids().filter((id) => id.startsWith('healthy')).length === 5, {
        timeoutMs: settleMs,
        what: 'the healthy jobs',
      });
      await sleep(settleMs / 2);
      await consumer.close();
      expect(log.countOf('poison')).toBe(3);
      const [deadLetter, ...others] = await subject.queue.listDeadLetters({ name: jobName, limit: 10 });
      expect(others).toEqual([]);
      expect(deadLetter).toMatchObject({
        id: 'poison',
        name: jobName,
        payload: { poison: true },
        attempts: 3,
        reason: 'poisoned on attempt 3',
      });
      expect(typeof deadLetter?.deadLetteredAt).toBe('number');
      expect(await statsOf(jobName)).toMatchObject({ ready: 0, inFlight: 0, deadLettered: 1 });
    });

    it('redrives dead letters as new jobs at attempt 1, by id and by name', async () => {
      const jobName = aJobName('redrive');
      await subject.queue.enqueue(
        ['dead-a', 'dead-b', 'dead-c'].map((id) => ({ id, name: jobName, payload: { id }, maxAttempts: 1 })),
      );
      let healthy = false;
      const log = new DeliveryLog();
      const consumer = await subject.queue.consume(
        jobName,
        async (delivery) => {
          log.record(delivery);
          if (!healthy) throw new Error('not yet');
        },
        { concurrency: 3 },
      );
      await waitFor(async () => (await statsOf(jobName))?.deadLettered === 3, {
        timeoutMs: settleMs * 2,
        what: 'three dead letters',
      });
      healthy = true;
      await expect(subject.queue.redrive({ ids: ['dead-b', 'unknown'] })).resolves.toBe(1);
      await waitFor(() => log.deliveries.length === 4, { timeoutMs: settleMs, what: 'the redriven job' });
      expect(log.deliveries[3]).toMatchObject({ id: 'dead-b', attempt: 1, payload: { id: 'dead-b' } });
      await expect(subject.queue.redrive({ name: jobName })).resolves.toBe(2);
      await waitFor(() => log.deliveries.length === 6, { timeoutMs: settleMs, what: 'the other two' });
      await consumer.close();
      expect(log.ids().slice(4).sort()).toEqual(['dead-a', 'dead-c']);
      expect(log.deliveries.slice(4).map((delivery) => delivery.attempt)).toEqual([1, 1]);
      await expect(subject.queue.listDeadLetters({ name: jobName, limit: 10 })).resolves.toEqual([]);
      await expect(subject.queue.redrive({ name: jobName })).resolves.toBe(0);
    });

    it('does not deliver a job before its notBefore', async () => {
      const jobName = aJobName('later');
      const delayMs = Math.max(300, settleMs);
      const notBefore = Date.now() + delayMs;
      await subject.queue.enqueue([{ id: 'later-1', name: jobName, payload: {}, notBefore }]);
      if (capabilities.reportsDelayed) {
        expect(await statsOf(jobName)).toMatchObject({ ready: 0, delayed: 1, inFlight: 0 });
      }
      const deliveredAt: number[] = [];
      const consumer = await subject.queue.consume(jobName, async () => void deliveredAt.push(Date.now()), {
        concurrency: 1,
      });
      await waitFor(() => deliveredAt.length === 1, {
        timeoutMs: delayMs + settleMs,
        what: 'the delayed job',
      });
      await consumer.close();
      expect(deliveredAt[0]).toBeGreaterThanOrEqual(notBefore);
    });

    it('never runs more handlers at once than the concurrency', async () => {
      const jobName = aJobName('bounded');
      await subject.queue.enqueue(
        Array.from({ length: 12 }, (_, index) => ({ id: `bounded-${index}`, name: jobName, payload: {} })),
      );
      let active = 0;
      let peak = 0;
      let done = 0;
      const consumer = await subject.queue.consume(
        jobName,
        async () => {
          active += 1;
          peak = Math.max(peak, active);
          await sleep(25);
          active -= 1;
          done += 1;
        },
        { concurrency: 3 },
      );
      await waitFor(() => done === 12, { timeoutMs: settleMs * 4, what: '12 jobs done' });
      await consumer.close();
      expect(peak).toBe(3);
    });

    it('close waits for the handlers in hand, acknowledges what they finished, and stops deliveries', async () => {
      const jobName = aJobName('close');
      await subject.queue.enqueue(
        ['close-1', 'close-2', 'close-3'].map((id) => ({ id, name: jobName, payload: {} })),
      );
      const log = new DeliveryLog();
      let finished = 0;
      const consumer = await subject.queue.consume(
        jobName,
        async (delivery) => {
          log.record(delivery);
          // Ignores the abort: a handler that finishes its work anyway is acknowledged.
          await sleep(150);
          finished += 1;
        },
        { concurrency: 1 },
      );
      await waitFor(() => log.deliveries.length === 1, { timeoutMs: settleMs, what: 'the first delivery' });
      await consumer.close();
      expect(finished).toBe(1);
      await sleep(100);
      expect(log.ids()).toEqual(['close-1']);
      const next = new DeliveryLog();
      const second = await subject.queue.consume(jobName, async (delivery) => next.record(delivery), {
        concurrency: 1,
      });
      await waitFor(() => next.deliveries.length === 2, { timeoutMs: settleMs, what: 'the two others' });
      await sleep(settleMs / 2);
      await second.close();
      expect(next.ids()).toEqual(['close-2', 'close-3']);
      await second.close();
    });

    it('aborts the signal of a handler in hand on close and delivers its job again', async () => {
      const jobName = aJobName('interrupted');
      await subject.queue.enqueue([{ id: 'interrupted-1', name: jobName, payload: {}, maxAttempts: 1 }]);
      let sawAbort = false;
      const started = new DeliveryLog();
      const consumer = await subject.queue.consume(
        jobName,
        async (delivery, signal) => {
          started.record(delivery);
          await abortOf(signal);
          sawAbort = true;
          throw new Error('aborted');
        },
        { concurrency: 1 },
      );
      await waitFor(() => started.deliveries.length === 1, { timeoutMs: settleMs, what: 'the delivery' });
      await consumer.close();
      expect(sawAbort).toBe(true);
      // Interrupted by the consumer's close, not by the job: even at maxAttempts 1 it is not dead-lettered.
      const log = new DeliveryLog();
      const next = await subject.queue.consume(jobName, async (delivery) => log.record(delivery), {
        concurrency: 1,
      });
      await waitFor(() => log.deliveries.length === 1, { timeoutMs: settleMs * 2, what: 'the redelivery' });
      await next.close();
      expect(log.ids()).toEqual(['interrupted-1']);
      await expect(subject.queue.listDeadLetters({ name: jobName, limit: 10 })).resolves.toEqual([]);
    });

    it('delivers a job again when its lease is lost, and aborts the old holder', async () => {
      const jobName = aJobName('lease');
      await subject.queue.enqueue([{ id: 'lease-1', name: jobName, payload: { n: 1 }, maxAttempts: 5 }]);
      let oldAborted = false;
      const log = new DeliveryLog();
      const effects: string[] = [];
      // One handler for both consumers: which of them gets the job again is the adapter's business (a broker
      // may well hand it back to the old holder once its connection is up again).
      const handle = async (delivery: JobDelivery, signal: AbortSignal) => {
        log.record(delivery);
        if (log.deliveries.length === 1) {
          await abortOf(signal);
          oldAborted = true;
          throw new Error('lease lost');
        }
        if (!effects.includes(delivery.id)) effects.push(delivery.id);
      };
      const holder = await subject.queue.consume(jobName, handle, { concurrency: 1 });
      await waitFor(() => log.deliveries.length === 1, { timeoutMs: settleMs, what: 'the first delivery' });
      await subject.loseLeases();
      const taker = await subject.queue.consume(jobName, handle, { concurrency: 1 });
      await waitFor(() => effects.length === 1, { timeoutMs: settleMs * 2, what: 'the redelivery' });
      await waitFor(() => oldAborted, { timeoutMs: settleMs * 2, what: "the old holder's abort" });
      await sleep(settleMs / 2);
      await Promise.all([holder.close(), taker.close()]);
      expect(effects).toEqual(['lease-1']);
      // Delivered once more, and not again once that delivery succeeded.
      expect(log.deliveries).toHaveLength(2);
      expect(log.deliveries[1]).toMatchObject({ id: 'lease-1', payload: { n: 1 } });
      expect(log.deliveries[1]?.attempt).toBeGreaterThanOrEqual(2);
      expect(await statsOf(jobName)).toMatchObject({ ready: 0, inFlight: 0, deadLettered: 0 });
    });

    it('counts ready, in-flight and dead-lettered jobs per name, and lists every catalog name', async () => {
      const jobName = aJobName('stats');
      await subject.queue.enqueue([
        { id: 's-poison', name: jobName, payload: {}, maxAttempts: 1 },
        ...['s-1', 's-2', 's-3'].map((id) => ({ id, name: jobName, payload: {} })),
      ]);
      await waitFor(async () => (await statsOf(jobName))?.ready === 4, {
        timeoutMs: settleMs,
        what: 'ready 4',
      });
      expect(await statsOf(jobName)).toMatchObject({
        ready: 4,
        inFlight: 0,
        deadLettered: 0,
        delayed: capabilities.reportsDelayed ? 0 : null,
      });
      const names = (await subject.queue.stats()).map((stats) => stats.name);
      for (const catalogName of Object.keys(JOB_CATALOG)) expect(names).toContain(catalogName);
      const held: JobDelivery[] = [];
      const consumer = await subject.queue.consume(
        jobName,
        async (delivery, signal) => {
          if (delivery.id === 's-poison') throw new Error('poison');
          held.push(delivery);
          await abortOf(signal);
        },
        { concurrency: 2 },
      );
      await waitFor(
        async () => {
          const stats = await statsOf(jobName);
          return stats?.deadLettered === 1 && stats.inFlight === 2 && stats.ready === 1;
        },
        { timeoutMs: settleMs * 2, what: 'ready 1, in flight 2, dead 1' },
      );
      await consumer.close();
      expect(held).toHaveLength(2);
    });

    it(
      capabilities.dedupesIds
        ? 'stores an id enqueued twice once'
        : 'delivers an id enqueued twice at least once, and once per enqueue at most (handlers dedupe)',
      async () => {
        const jobName = aJobName('dedupe');
        const job = { id: 'same-id', name: jobName, payload: { first: true } };
        await subject.queue.enqueue([job, { ...job, payload: { first: false } }]);
        await subject.queue.enqueue([job]);
        await subject.queue.enqueue([{ id: 'other-id', name: jobName, payload: {} }]);
        const log = new DeliveryLog();
        const consumer = await subject.queue.consume(jobName, async (delivery) => log.record(delivery), {
          concurrency: 1,
        });
        await waitFor(() => log.ids().includes('other-id'), { timeoutMs: settleMs, what: 'the other job' });
        await sleep(settleMs / 2);
        await consumer.close();
        if (capabilities.dedupesIds) {
          expect(log.ids()).toEqual(['same-id', 'other-id']);
          expect(log.deliveries[0]?.payload).toEqual({ first: true });
        } else {
          // A copy per enqueue at most: three enqueues of the id, three deliveries at most.
          expect(log.countOf('same-id')).toBeGreaterThanOrEqual(1);
          expect(log.countOf('same-id')).toBeLessThanOrEqual(3);
          expect(log.countOf('other-id')).toBe(1);
        }
      },
    );

    it('closes idempotently, after which enqueue rejects', async () => {
      const jobName = aJobName('closed');
      const consumer = await subject.queue.consume(jobName, async () => undefined, { concurrency: 1 });
      await subject.queue.close();
      await subject.queue.close();
      await consumer.close();
      await expect(subject.queue.enqueue([{ id: 'late', name: jobName, payload: {} }])).rejects.toThrow();
    });
  });

  describeJobQueueModel(name, open, options);
}
