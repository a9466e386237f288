/**
 * Job queue throughput and latency. Throughput: the RabbitMQ adapter's end-to-end jobs/s (enqueue in batches,
 * consume, ack) against a raw amqplib publish-confirm / consume loop on the same broker in the same run (goal:
 * adapter / raw >= 0.6), and the embedded queue's jobs/s with its p50/p99 latency from enqueue to handler start
 * under that full load. Paced latency: both queues again, one job per enqueue at a steady rate well below
 * capacity, for the latency a job sees on a quiet system.
 *
 * Run with `npm run bench:queue`. RabbitMQ is amqp://guest:guest@127.0.0.1:5672 unless SLIPWAY_BENCH_RABBITMQ_URL
 * says otherwise. Knobs: BENCH_QUEUE_JOBS, jobs per throughput round (default 20,000); BENCH_QUEUE_PACED_JOBS,
 * jobs of each paced run (default 1,000); BENCH_QUEUE_PACED_RATE, its jobs per second (default 200). A smoke run:
 * `BENCH_QUEUE_JOBS=500 BENCH_QUEUE_PACED_JOBS=50 npm run bench:queue`. Queues are created under a prefix of their
 * own and deleted at the end. Results go to bench/results/queue-<date>.json, `result` shaped as:
 *
 * - `jobsPerRound`, `rounds`: the size of the throughput rounds.
 * - `rabbitmq`: `confirmWindow`, `prefetch`; `rawAmqplibMessagesPerSecond`, `adapterJobsPerSecond` (medians of the
 *   rounds), `ratio` (adapter / raw), `goalRatio`, `meetsGoal`, `perRound` ({ raw, adapter } per round); `paced`.
 * - `embedded`: `jobsPerSecond` (median of the rounds), `latencyMs` ({ p50, p99 } from enqueue to handler start,
 *   over every job of every round, at full load); `paced`.
 * - `paced` (both queues): `jobs`, `ratePerSecond`, `enqueueToStartMs` ({ p50, p99 } from the enqueue call to the
 *   handler's start) and `enqueueMs` ({ p50, p99 } from the enqueue call until it resolved: confirmed or committed).
 * - `queuedDispatch`: `directMs` and `queuedMs` ({ p50, p99 } per non-stream request through the gateway),
 *   `addedP50Ms`, `goalMs` (2), `meetsGoal`: bench/queue/queued-dispatch.ts (BENCH_QUEUED_DISPATCH_REQUESTS).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'amqplib';
import { openEmbeddedJobQueue } from '../src/adapters/queue/embedded/index.js';
import { openRabbitMqJobQueue } from '../src/adapters/queue/rabbitmq/index.js';
import type { JobQueue } from '../src/ports/job-queue.js';
import { median, summarize } from './lib/bench-stats.js';
import { writeBenchResult } from './lib/write-bench-result.js';
import { measureQueueLoop } from './queue/adapter-loop.js';
import { measurePacedLatency, type PacedLatency } from './queue/paced-latency.js';
import { measureRawAmqplib } from './queue/raw-amqplib-loop.js';
import { measureQueuedDispatch } from './queue/queued-dispatch.js';

const RABBITMQ_URL = process.env.SLIPWAY_BENCH_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const JOBS = Number(process.env.BENCH_QUEUE_JOBS ?? 20_000);
const ROUNDS = 3;
const CONFIRM_WINDOW = 200;
const PREFETCH = 200;
const GOAL_RATIO = 0.6;
const PACED_JOBS = Number(process.env.BENCH_QUEUE_PACED_JOBS ?? 1_000);
// Well below what either queue sustains (thousands of jobs/s here), so that no job waits behind another.
const PACED_RATE = Number(process.env.BENCH_QUEUE_PACED_RATE ?? 200);
const PACED_CONCURRENCY = 8;
const prefix = `slipway-bench.${process.pid}.${Date.now().toString(36)}`;

async function measureRabbitMq(round: number): Promise<{ raw: number; adapter: number }> {
  const raw = await measureRawAmqplib({
    url: RABBITMQ_URL,
    queue: `${prefix}.raw.${round}`,
    messages: JOBS,
    confirmWindow: CONFIRM_WINDOW,
    prefetch: PREFETCH,
  });
  const queue = await openBenchRabbitMq();
  try {
    const { jobsPerSecond } = await measureQueueLoop(queue, {
      name: `adapter.${round}`,
      jobs: JOBS,
      batchSize: 500,
      batchesInFlight: 4,
      concurrency: PREFETCH,
    });
    return { raw, adapter: jobsPerSecond };
  } finally {
    await queue.close();
  }
}

function openBenchRabbitMq() {
  return openRabbitMqJobQueue({
    url: RABBITMQ_URL,
    prefix,
    confirmWindow: CONFIRM_WINDOW,
    prefetch: PREFETCH,
    defaultMaxAttempts: 5,
    backoff: { baseMs: 100, maxMs: 1000 },
    reconnect: { baseMs: 100, maxMs: 1000 },
    publishTimeoutMs: 30_000,
    logError: (message, error) => console.error(message, error),
  });
}

/** An embedded queue in a directory of its own, given to `use`, then removed. */
async function withBenchEmbedded<T>(use: (queue: JobQueue) => Promise<T>): Promise<T> {
  const directory = mkdtempSync(join(tmpdir(), 'slipway-bench-queue-'));
  const queue = openEmbeddedJobQueue({
    path: join(directory, 'queue.sqlite'),
    leaseMs: 30_000,
    pollIntervalMs: 50,
    defaultMaxAttempts: 5,
    backoff: { baseMs: 100, maxMs: 1000 },
  });
  try {
    return await use(queue);
  } finally {
    await queue.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

function measureEmbedded(round: number) {
  return withBenchEmbedded((queue) =>
    measureQueueLoop(queue, {
      name: `embedded.${round}`,
      jobs: JOBS,
      batchSize: 100,
      batchesInFlight: 4,
      concurrency: 50,
    }),
  );
}

const pacedOptions = (name: string) => ({
  name,
  jobs: PACED_JOBS,
  ratePerSecond: PACED_RATE,
  concurrency: PACED_CONCURRENCY,
});

async function measurePaced(): Promise<{ rabbitmq: PacedLatency; embedded: PacedLatency }> {
  const queue = await openBenchRabbitMq();
  let rabbitmq: PacedLatency;
  try {
    rabbitmq = await measurePacedLatency(queue, pacedOptions('paced'));
  } finally {
    await queue.close();
  }
  const embedded = await withBenchEmbedded((embeddedQueue) =>
    measurePacedLatency(embeddedQueue, pacedOptions('paced')),
  );
  return { rabbitmq, embedded };
}

/** Deletes the adapter's queues: they are named `${prefix}.…`, and the adapter declared them for the bench. */
async function deleteBenchQueues(): Promise<void> {
  const connection = await connect(RABBITMQ_URL);
  try {
    const channel = await connection.createChannel();
    const names = [...Array.from({ length: ROUNDS }, (_, round) => `adapter.${round}`), 'paced'];
    for (const name of names) {
      await channel.deleteQueue(`${prefix}.${name}`);
      await channel.deleteQueue(`${prefix}.${name}.dead`);
    }
    await channel.close();
  } finally {
    await connection.close();
  }
}

async function main(): Promise<void> {
  const rabbitmq: Array<{ raw: number; adapter: number }> = [];
  const embedded: Array<{ jobsPerSecond: number; latenciesMs: number[] }> = [];
  let paced: { rabbitmq: PacedLatency; embedded: PacedLatency };
  try {
    // Interleaved rounds, so that a slow moment of the machine weighs on both sides alike.
    for (let round = 0; round < ROUNDS; round += 1) {
      rabbitmq.push(await measureRabbitMq(round));
      embedded.push(await measureEmbedded(round));
      console.log(
        `round ${round + 1}/${ROUNDS}:`,
        rabbitmq.at(-1),
        Math.round(embedded.at(-1)?.jobsPerSecond ?? 0),
      );
    }
    paced = await measurePaced();
    console.log('paced:', paced);
  } finally {
    await deleteBenchQueues();
  }
  const raw = median(rabbitmq.map((round) => round.raw));
  const adapter = median(rabbitmq.map((round) => round.adapter));
  const latency = summarize(embedded.flatMap((round) => round.latenciesMs));
  const result = {
    jobsPerRound: JOBS,
    rounds: ROUNDS,
    rabbitmq: {
      confirmWindow: CONFIRM_WINDOW,
      prefetch: PREFETCH,
      rawAmqplibMessagesPerSecond: Math.round(raw),
      adapterJobsPerSecond: Math.round(adapter),
      ratio: Number((adapter / raw).toFixed(3)),
      goalRatio: GOAL_RATIO,
      meetsGoal: adapter / raw >= GOAL_RATIO,
      perRound: rabbitmq.map((round) => ({ raw: Math.round(round.raw), adapter: Math.round(round.adapter) })),
      paced: paced.rabbitmq,
    },
    embedded: {
      jobsPerSecond: Math.round(median(embedded.map((round) => round.jobsPerSecond))),
      latencyMs: { p50: Number(latency.p50.toFixed(2)), p99: Number(latency.p99.toFixed(2)) },
      paced: paced.embedded,
    },
    // bench/queue/queued-dispatch.ts: queued dispatch's p50 over direct dispatch (goal ≤ 2 ms).
    queuedDispatch: await measureQueuedDispatch(),
  };
  const path = writeBenchResult(`queue-${new Date().toISOString().slice(0, 10)}`, result);
  console.log(JSON.stringify(result, null, 2));
  console.log(`written to ${path}`);
}

await main();
