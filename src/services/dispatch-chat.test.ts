import { describe, expect, it } from 'vitest';
import { InProcessReplyChannel } from '../adapters/reply-channel/in-process/index.js';
import type { ChatCompletion, ChatCompletionChunk } from '../core/chat.js';
import { SlipwayError } from '../core/errors.js';
import type { Caller } from '../core/identity.js';
import type { ReplyFrame } from '../core/reply-frame.js';
import type { Route } from '../core/route.js';
import type { JobPayload } from '../jobs/job-catalog.js';
import type { ReplySender } from '../ports/reply-channel.js';
import { RecordingJobQueue } from '../../test/doubles/recording-job-queue.js';
import { SeededRandom } from '../../test/doubles/seeded-random.js';
import type { CompleteChatInput, CompleteChatResult } from './complete-chat.js';
import { type DispatchSettings, makeDispatchChat } from './dispatch-chat.js';
import type { RouteTableVersion } from './route-table.js';

const caller: Caller = { keyId: 'key_1', projectId: 'proj_1', role: 'app', allowedModels: null, limits: {} };

function routeOf(model: string, dispatch: Route['dispatch']): Route {
  return {
    model,
    kind: 'chat',
    strategy: 'ordered',
    targets: [{ providerId: 'mock', model: 'gpt', weight: 1 }],
    contextFallbacks: [],
    retry: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0, multiplier: 1, maxRetryAfterMs: 0 },
    timeouts: { firstTokenMs: 1000, totalMs: 1000 },
    breaker: { failureThreshold: 5, cooldownMs: 1000 },
    ...(dispatch === undefined ? {} : { dispatch }),
  };
}

const routes = [routeOf('queued', 'queued'), routeOf('direct', undefined)];
const version: RouteTableVersion = {
  routes,
  loadedAt: 0,
  resolve(model) {
    const route = routes.find((candidate) => candidate.model === model);
    if (!route) throw new SlipwayError('not_found', `no ${model}`, { param: 'model' });
    return route;
  },
  provider() {
    throw new Error('not used');
  },
};

const completion: ChatCompletion = {
  id: 'chatcmpl-1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
};
const chunkOf = (content: string): ChatCompletionChunk => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt',
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
});
const served = { interactionId: 'int_1', target: 'mock/gpt', attempts: 1 };

function harness(settings: Partial<DispatchSettings> = {}) {
  const queue = new RecordingJobQueue();
  const replies = new InProcessReplyChannel();
  const direct: CompleteChatInput[] = [];
  const dispatchChat = makeDispatchChat({
    completeChat: (input) => {
      direct.push(input);
      return Promise.resolve({ kind: 'completion', completion, ...served } satisfies CompleteChatResult);
    },
    routeTable: { current: () => version },
    queue,
    replies,
    clock: { now: () => Date.now() },
    random: new SeededRandom(),
    settings: {
      maxDepth: 8,
      rejectWith: 'overloaded',
      retryAfterMs: 1_000,
      jobTimeoutMs: 200,
      heartbeatMs: 10,
      ...settings,
    },
  });
  const client = new AbortController();
  const ask = (model: string, stream = false) =>
    dispatchChat({
      caller,
      request: { model, messages: [{ role: 'user', content: 'hi' }], stream },
      endUser: 'eve',
      signal: client.signal,
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
  /** Plays a worker: attaches run `runId` to the nth enqueued job's reply address. */
  async function worker(
    runId: string,
    job = 0,
  ): Promise<ReplySender & { play(...frames: ReplyFrame[]): void }> {
    await until(() => queue.enqueued.length > job);
    const payload = queue.enqueued[job]?.payload as JobPayload<'inference.chat'>;
    const sender = await replies.attach(payload.reply, runId);
    return Object.assign(sender, {
      play: (...frames: ReplyFrame[]) => frames.forEach((frame) => sender.send(frame)),
    });
  }
  return { queue, direct, ask, worker, client };
}

async function until(accept: () => boolean): Promise<void> {
  const deadline = Date.now() + 2_000;
  while (!accept()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function collect(result: CompleteChatResult): Promise<string[]> {
  if (result.kind !== 'stream') throw new Error('not a stream');
  const texts: string[] = [];
  for await (const chunk of result.chunks) texts.push(chunk.choices[0]?.delta.content ?? '');
  return texts;
}

describe('dispatchChat', () => {
  it('runs a direct route in this process and enqueues nothing', async () => {
    const { queue, direct, ask } = harness();
    await expect(ask('direct')).resolves.toMatchObject({ kind: 'completion', completion });
    expect(direct).toHaveLength(1);
    expect(queue.enqueued).toHaveLength(0);
  });

  it('publishes a queued route as an inference.chat job and answers with the worker’s completion', async () => {
    const { queue, direct, ask, worker } = harness();
    const answering = ask('queued');
    (await worker('run-1')).play({ kind: 'start' }, { kind: 'completion', completion, ...served });
    await expect(answering).resolves.toEqual({ kind: 'completion', completion, ...served });
    expect(direct).toHaveLength(0);
    expect(queue.enqueued[0]).toMatchObject({
      name: 'inference.chat',
      payload: {
        keyId: 'key_1',
        endUser: 'eve',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        request: { model: 'queued' },
      },
    });
  });

  it('refuses a key that may not use the model before enqueueing', async () => {
    const { queue } = harness();
    const restricted = makeDispatchChat({
      completeChat: () => Promise.reject(new Error('not used')),
      routeTable: { current: () => version },
      queue,
      replies: new InProcessReplyChannel(),
      clock: { now: () => Date.now() },
      random: new SeededRandom(),
      settings: { maxDepth: 1, rejectWith: 'overloaded', retryAfterMs: 1, jobTimeoutMs: 1, heartbeatMs: 1 },
    });
    await expect(
      restricted({
        caller: { ...caller, allowedModels: ['direct'] },
        request: { model: 'queued', messages: [] },
        endUser: null,
        signal: new AbortController().signal,
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    expect(queue.enqueued).toHaveLength(0);
  });

  it('rebuilds the worker’s error with its code, param and Retry-After', async () => {
    const { ask, worker } = harness();
    const answering = ask('queued');
    (await worker('run-1')).play({
      kind: 'error',
      error: { code: 'rate_limited', message: 'slow down', param: 'model', retryAfterMs: 3_000 },
    });
    await expect(answering).rejects.toMatchObject({
      code: 'rate_limited',
      message: 'slow down',
      param: 'model',
      retryAfterMs: 3_000,
    });
  });

  it.each(['overloaded', 'rate_limited'] as const)(
    'sheds a request beyond maxDepth with %s and Retry-After',
    async (rejectWith) => {
      const { ask, worker } = harness({ maxDepth: 1, rejectWith, retryAfterMs: 4_000 });
      const first = ask('queued');
      await expect(ask('queued')).rejects.toMatchObject({ code: rejectWith, retryAfterMs: 4_000 });
      (await worker('run-1')).play({ kind: 'completion', completion, ...served });
      await first;
      // The slot is free again once the first request has its answer.
      const third = ask('queued');
      (await worker('run-2', 1)).play({ kind: 'completion', completion, ...served });
      await expect(third).resolves.toMatchObject({ kind: 'completion' });
    },
  );

  it('fails with timeout when no worker starts the request in time', async () => {
    const { ask } = harness({ jobTimeoutMs: 50 });
    await expect(ask('queued')).rejects.toMatchObject({ code: 'timeout' });
  });

  it('switches transparently to a new run when the first one dies before the first chunk', async () => {
    const { ask, worker } = harness();
    const answering = ask('queued', true);
    const first = await worker('run-1');
    first.play({ kind: 'start' }, { kind: 'stream', ...served });
    const second = await worker('run-2');
    second.play(
      { kind: 'start' },
      { kind: 'stream', ...served, interactionId: 'int_2' },
      { kind: 'chunk', chunk: chunkOf('a') },
    );
    second.play({ kind: 'chunk', chunk: chunkOf('b') }, { kind: 'end' });
    const result = await answering;
    expect(result.interactionId).toBe('int_2');
    expect(await collect(result)).toEqual(['a', 'b']);
    expect(first.signal.aborted).toBe(true);
  });

  it('waits out a run gone silent before the first chunk, then takes the redelivered run', async () => {
    const { ask, worker } = harness({ heartbeatMs: 5, jobTimeoutMs: 500 });
    const answering = ask('queued');
    (await worker('run-1')).play({ kind: 'start' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    (await worker('run-2')).play({ kind: 'start' }, { kind: 'completion', completion, ...served });
    await expect(answering).resolves.toMatchObject({ kind: 'completion' });
  });

  it('ends a stream with an error once a new run starts after the client saw a chunk', async () => {
    const { ask, worker } = harness();
    const answering = ask('queued', true);
    const first = await worker('run-1');
    first.play({ kind: 'start' }, { kind: 'stream', ...served }, { kind: 'chunk', chunk: chunkOf('a') });
    const result = await answering;
    if (result.kind !== 'stream') throw new Error('expected a stream');
    const iterator = result.chunks[Symbol.asyncIterator]();
    await expect(iterator.next()).resolves.toMatchObject({ value: chunkOf('a') });
    const second = await worker('run-2');
    second.play({ kind: 'start' });
    await expect(iterator.next()).rejects.toMatchObject({ code: 'upstream_unavailable' });
    await until(() => second.signal.aborted);
  });

  it('ends a stream with an error when its worker goes silent', async () => {
    const { ask, worker } = harness({ heartbeatMs: 5 });
    const answering = ask('queued', true);
    (await worker('run-1')).play({ kind: 'stream', ...served }, { kind: 'chunk', chunk: chunkOf('a') });
    await expect(collect(await answering)).rejects.toMatchObject({ code: 'upstream_unavailable' });
  });

  it('passes an error frame in mid-stream to the client as the stream’s error', async () => {
    const { ask, worker } = harness();
    const answering = ask('queued', true);
    (await worker('run-1')).play(
      { kind: 'stream', ...served },
      { kind: 'chunk', chunk: chunkOf('a') },
      { kind: 'error', error: { code: 'upstream_error', message: 'cut' } },
    );
    await expect(collect(await answering)).rejects.toMatchObject({ code: 'upstream_error', message: 'cut' });
  });

  it('cancels the run when the client leaves', async () => {
    const { ask, worker, client } = harness();
    const answering = ask('queued', true);
    const run = await worker('run-1');
    run.play({ kind: 'stream', ...served }, { kind: 'chunk', chunk: chunkOf('a') });
    const result = await answering;
    if (result.kind !== 'stream') throw new Error('expected a stream');
    const iterator = result.chunks[Symbol.asyncIterator]();
    await iterator.next();
    const next = iterator.next();
    client.abort(new SlipwayError('client_closed', 'gone'));
    await expect(next).rejects.toMatchObject({ code: 'client_closed' });
    expect(run.signal.aborted).toBe(true);
  });
});
