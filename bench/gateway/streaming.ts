import { once } from 'node:events';
import { Pool } from 'undici';
import { chatRequestBody } from './chat-request-body.js';
import { roundOrder } from './round-order.js';
import type { Target, TargetName } from './target.js';

/** What the client saw of one stream: when each content-bearing event arrived, from the request's start. */
interface StreamTiming {
  /** Milliseconds from sending the request to the first event that carries content (the first token). */
  firstTokenMs: number;
  /** Milliseconds between consecutive content-bearing events. */
  gapsMs: number[];
}

export interface StreamSamples {
  firstTokenMs: number[];
  gapsMs: number[];
}

export interface StreamingOptions {
  targets: readonly Target[];
  rounds: number;
  streamsPerRound: number;
  /** Unrecorded streams per target before the first round. */
  warmupStreams: number;
  /** Content chunks the mock sends per stream; a stream that delivers another number fails the bench. */
  expectedChunks: number;
}

const EVENT_BOUNDARY = /\r?\n\r?\n/;

/** True for a `data:` event whose first choice carries text; role-only, usage and `[DONE]` events are not. */
function carriesContent(event: string): boolean {
  for (const line of event.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const data = line.slice(5).trim();
    if (data === '[DONE]') return false;
    const chunk = JSON.parse(data) as { choices?: Array<{ delta?: { content?: unknown } }> };
    const content = chunk.choices?.[0]?.delta?.content;
    return typeof content === 'string' && content !== '';
  }
  return false;
}

/** Sends one streaming completion and times every content-bearing event as its bytes arrive. */
export async function timeStream(options: {
  pool: Pool;
  target: Target;
  body: string;
}): Promise<StreamTiming> {
  const started = process.hrtime.bigint();
  const response = await options.pool
    .request({
      path: options.target.path,
      method: 'POST',
      headers: options.target.headers,
      body: options.body,
    })
    .catch((error: unknown) => {
      throw new Error(`${options.target.name}: stream request failed`, { cause: error });
    });
  if (response.statusCode !== 200) {
    const text = await response.body.text();
    throw new Error(
      `${options.target.name} answered ${response.statusCode} to a stream: ${text.slice(0, 500)}`,
    );
  }
  const arrivals: bigint[] = [];
  let pending = '';
  // A 'data' listener rather than async iteration: the timestamp is taken as soon as the bytes are handed over.
  response.body.on('data', (part: Buffer) => {
    const arrivedAt = process.hrtime.bigint();
    const events = (pending + part.toString('utf8')).split(EVENT_BOUNDARY);
    pending = events.pop() ?? '';
    for (const event of events) if (carriesContent(event)) arrivals.push(arrivedAt);
  });
  await once(response.body, 'end');
  const [first] = arrivals;
  if (first === undefined) throw new Error(`${options.target.name} streamed no content`);
  return {
    firstTokenMs: Number(first - started) / 1e6,
    gapsMs: arrivals
      .slice(1)
      .map((arrivedAt, index) => Number(arrivedAt - (arrivals[index] ?? arrivedAt)) / 1e6),
  };
}

/**
 * Streams one completion at a time per target, in interleaved rounds, and returns the time to first token of
 * every stream and every gap between chunks, per target.
 */
export async function measureStreaming(options: StreamingOptions): Promise<Map<TargetName, StreamSamples>> {
  const clients = options.targets.map((target) => ({
    target,
    pool: new Pool(target.origin, { connections: 1, keepAliveTimeout: 60_000 }),
    body: chatRequestBody({ model: target.model, stream: true }),
  }));
  const samples = new Map<TargetName, StreamSamples>(
    options.targets.map((target) => [target.name, { firstTokenMs: [], gapsMs: [] }]),
  );
  const timeCheckedStream = async (client: (typeof clients)[number]) => {
    const timing = await timeStream(client);
    if (timing.gapsMs.length !== options.expectedChunks - 1) {
      throw new Error(
        `${client.target.name} streamed ${timing.gapsMs.length + 1} chunks, expected ${options.expectedChunks}`,
      );
    }
    return timing;
  };
  try {
    for (const client of clients) {
      for (let index = 0; index < options.warmupStreams; index++) await timeCheckedStream(client);
    }
    for (let round = 0; round < options.rounds; round++) {
      for (const client of roundOrder(clients, round)) {
        const own = samples.get(client.target.name);
        for (let index = 0; index < options.streamsPerRound; index++) {
          const timing = await timeCheckedStream(client);
          own?.firstTokenMs.push(timing.firstTokenMs);
          own?.gapsMs.push(...timing.gapsMs);
        }
      }
    }
  } finally {
    await Promise.all(clients.map((client) => client.pool.close()));
  }
  return samples;
}
