import { Pool } from 'undici';
import { chatRequestBody } from './chat-request-body.js';
import { roundOrder } from './round-order.js';
import type { Target, TargetName } from './target.js';

export interface LatencyOptions {
  targets: readonly Target[];
  rounds: number;
  requestsPerRound: number;
  /** Requests per target before the first round, so that every process has compiled its hot paths. */
  warmupRequests: number;
}

interface SequentialClient {
  target: Target;
  pool: Pool;
  body: string;
}

/** One keep-alive connection to `target` and the non-streaming body the bench sends it. */
export function sequentialClient(target: Target): SequentialClient {
  return {
    target,
    pool: new Pool(target.origin, { connections: 1, keepAliveTimeout: 60_000 }),
    body: chatRequestBody({ model: target.model, stream: false }),
  };
}

/** Milliseconds from sending a non-streaming completion to reading the last byte of the answer. */
export async function timeOneRequest(client: SequentialClient): Promise<number> {
  const started = process.hrtime.bigint();
  const response = await client.pool
    .request({ path: client.target.path, method: 'POST', headers: client.target.headers, body: client.body })
    .catch((error: unknown) => {
      throw new Error(`${client.target.name}: request failed`, { cause: error });
    });
  const text = await response.body.text();
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (response.statusCode !== 200) {
    throw new Error(`${client.target.name} answered ${response.statusCode}: ${text.slice(0, 500)}`);
  }
  return elapsedMs;
}

/**
 * Sequential latency: one request at a time over one keep-alive connection per target, in interleaved rounds.
 * Returns every sample, in milliseconds, per target.
 */
export async function measureSequentialLatency(options: LatencyOptions): Promise<Map<TargetName, number[]>> {
  const clients = options.targets.map(sequentialClient);
  const samples = new Map<TargetName, number[]>(options.targets.map((target) => [target.name, []]));
  try {
    for (const client of clients) {
      for (let index = 0; index < options.warmupRequests; index++) await timeOneRequest(client);
    }
    for (let round = 0; round < options.rounds; round++) {
      for (const client of roundOrder(clients, round)) {
        const own = samples.get(client.target.name) ?? [];
        for (let index = 0; index < options.requestsPerRound; index++) own.push(await timeOneRequest(client));
      }
    }
  } finally {
    await Promise.all(clients.map((client) => client.pool.close()));
  }
  return samples;
}
