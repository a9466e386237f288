import { setTimeout as sleep } from 'node:timers/promises';
import { roundOrder } from './round-order.js';
import { sequentialClient, timeOneRequest } from './latency.js';
import type { Target, TargetName } from './target.js';

export interface PacedLatencyOptions {
  targets: readonly Target[];
  /** Requests per target; each round sends one to every target, then pauses. */
  rounds: number;
  /** The pause between rounds: one stream's length, so that each request finds its gateway as idle as a stream's start. */
  pauseMs: number;
}

/**
 * Non-streaming latency of a request that arrives after the gateway has been idle as long as between two streams
 * of the streaming measurement. The sequential measurement sends requests back to back, so its figures are those
 * of hot code and busy CPUs; a stream's first token comes after a pause, on caches and CPUs gone cold. This is
 * the like-for-like reference for the time to first token: the same gateway work, after the same pause.
 */
export async function measurePacedLatency(options: PacedLatencyOptions): Promise<Map<TargetName, number[]>> {
  const clients = options.targets.map(sequentialClient);
  const samples = new Map<TargetName, number[]>(options.targets.map((target) => [target.name, []]));
  try {
    // One unrecorded request each opens the connection, as the streaming measurement's warm-up does.
    for (const client of clients) await timeOneRequest(client);
    for (let round = 0; round < options.rounds; round++) {
      await sleep(options.pauseMs);
      for (const client of roundOrder(clients, round)) {
        samples.get(client.target.name)?.push(await timeOneRequest(client));
      }
    }
  } finally {
    await Promise.all(clients.map((client) => client.pool.close()));
  }
  return samples;
}
