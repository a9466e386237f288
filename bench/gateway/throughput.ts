import autocannon from 'autocannon';
import { chatRequestBody } from './chat-request-body.js';
import { roundOrder } from './round-order.js';
import type { Target, TargetName } from './target.js';

export interface ThroughputOptions {
  targets: readonly Target[];
  connections: number;
  rounds: number;
  secondsPerRound: number;
  /** A short unrecorded run per target first, so that JIT warm-up does not count against the first round. */
  warmupSeconds: number;
}

export interface ThroughputFigures {
  requestsPerSecond: number;
  /** Requests per second of each round, in the order they ran. */
  roundRequestsPerSecond: number[];
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

function run(target: Target, options: { connections: number; seconds: number }): Promise<autocannon.Result> {
  return autocannon({
    url: `${target.origin}${target.path}`,
    method: 'POST',
    headers: target.headers,
    body: chatRequestBody({ model: target.model, stream: false }),
    connections: options.connections,
    duration: options.seconds,
  });
}

/** Closed-loop throughput with autocannon, in interleaved rounds; every response that is not 2xx is counted. */
export async function measureThroughput(
  options: ThroughputOptions,
): Promise<Map<TargetName, ThroughputFigures>> {
  const figures = new Map<TargetName, ThroughputFigures>(
    options.targets.map((target) => [
      target.name,
      { requestsPerSecond: 0, roundRequestsPerSecond: [], requests: 0, non2xx: 0, errors: 0, timeouts: 0 },
    ]),
  );
  const seconds = new Map<TargetName, number>();
  for (const target of options.targets) {
    await run(target, { connections: options.connections, seconds: options.warmupSeconds });
  }
  for (let round = 0; round < options.rounds; round++) {
    for (const target of roundOrder(options.targets, round)) {
      const result = await run(target, {
        connections: options.connections,
        seconds: options.secondsPerRound,
      });
      const own = figures.get(target.name);
      if (!own) continue;
      own.roundRequestsPerSecond.push(result.requests.total / result.duration);
      own.requests += result.requests.total;
      own.non2xx += result.non2xx;
      own.errors += result.errors;
      own.timeouts += result.timeouts;
      seconds.set(target.name, (seconds.get(target.name) ?? 0) + result.duration);
    }
  }
  for (const [name, own] of figures) own.requestsPerSecond = own.requests / (seconds.get(name) ?? 1);
  return figures;
}
