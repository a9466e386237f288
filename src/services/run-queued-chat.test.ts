import { describe, expect, it } from 'vitest';
import { InProcessReplyChannel } from '../adapters/reply-channel/in-process/index.js';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest } from '../core/chat.js';
import { SlipwayError } from '../core/errors.js';
import type { ApiKeyRecord } from '../core/identity.js';
import type { ReceivedFrame } from '../core/reply-frame.js';
import type { JobPayload } from '../jobs/job-catalog.js';
import { SeededRandom } from '../../test/doubles/seeded-random.js';
import type { CompleteChatInput, CompleteChatResult } from './complete-chat.js';
import { makeRunQueuedChat } from './run-queued-chat.js';

const key: ApiKeyRecord = {
  id: 'key_1',
  projectId: 'proj_1',
  name: 'app',
  role: 'app',
  secretHash: 'x',
  displayPrefix: 'sk-slw-x',
  createdAt: 0,
  expiresAt: null,
  revokedAt: null,
  allowedModels: null,
  limits: { requestsPerMinute: 5 },
};
const completion: ChatCompletion = {
  id: 'c',
  object: 'chat.completion',
  created: 1,
  model: 'gpt',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
};
const chunk: ChatCompletionChunk = {
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'gpt',
  choices: [],
};
const served = { interactionId: 'int_1', target: 'mock/gpt', attempts: 1 };

async function harness(options: {
  key?: ApiKeyRecord | null;
  answer: (input: CompleteChatInput) => Promise<CompleteChatResult>;
}) {
  const replies = new InProcessReplyChannel();
  const frames: ReceivedFrame[] = [];
  const receiver = await replies.open(
    (received) => frames.push(received),
    () => undefined,
  );
  const inputs: CompleteChatInput[] = [];
  const run = makeRunQueuedChat({
    completeChat: (input) => {
      inputs.push(input);
      return options.answer(input);
    },
    apiKeys: { getApiKey: () => Promise.resolve(options.key === undefined ? key : options.key) },
    replies,
    parseRequest: (body) => body as ChatRequest,
    clock: { now: () => Date.now() },
    random: new SeededRandom(),
    heartbeatMs: 5,
    logError: () => undefined,
  });
  const payload: JobPayload<'inference.chat'> = {
    request: { model: 'queued', messages: [] },
    keyId: 'key_1',
    endUser: null,
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    tags: { promptName: 'greeting', promptVersion: 2 },
    reply: receiver.address,
  };
  const kinds = () => frames.map((received) => received.frame.kind).filter((kind) => kind !== 'heartbeat');
  return { run, payload, frames, kinds, inputs, receiver };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('runQueuedChat', () => {
  it('runs the use case as the key’s caller, tagged queued, and replies with the completion', async () => {
    const { run, payload, kinds, inputs, frames } = await harness({
      answer: () => Promise.resolve({ kind: 'completion', completion, ...served }),
    });
    await run(payload, new AbortController().signal);
    await settle();
    expect(kinds()).toEqual(['start', 'completion']);
    expect(frames.at(-1)?.frame).toEqual({ kind: 'completion', completion, ...served });
    expect(inputs[0]).toMatchObject({
      caller: { keyId: 'key_1', projectId: 'proj_1', limits: { requestsPerMinute: 5 } },
      tags: { promptName: 'greeting', promptVersion: 2, variant: 'queued' },
      traceparent: payload.traceparent,
    });
  });

  it('streams chunks, then end', async () => {
    async function* chunks() {
      yield chunk;
      yield chunk;
    }
    const { run, payload, kinds } = await harness({
      answer: () => Promise.resolve({ kind: 'stream', chunks: chunks(), ...served }),
    });
    await run(payload, new AbortController().signal);
    await settle();
    expect(kinds()).toEqual(['start', 'stream', 'chunk', 'chunk', 'end']);
  });

  it('answers a revoked key with an unauthorized error frame, and the job is done', async () => {
    const { run, payload, frames, inputs } = await harness({
      key: { ...key, revokedAt: 1 },
      answer: () => Promise.reject(new Error('not used')),
    });
    await run(payload, new AbortController().signal);
    await settle();
    expect(frames.at(-1)?.frame).toMatchObject({ kind: 'error', error: { code: 'unauthorized' } });
    expect(inputs).toHaveLength(0);
  });

  it('throws when the worker is stopping, so the queue hands the job to another worker', async () => {
    const stopping = new AbortController();
    const { run, payload, kinds } = await harness({
      answer: (input) =>
        new Promise((_, reject) =>
          input.signal.addEventListener('abort', () => reject(new SlipwayError('client_closed', 'aborted'))),
        ),
    });
    const running = run(payload, stopping.signal);
    await settle();
    stopping.abort();
    await expect(running).rejects.toMatchObject({ code: 'client_closed' });
    await settle();
    expect(kinds()).toEqual(['start']);
  });

  it('stops the use case when the API process cancels the run', async () => {
    const { run, payload, receiver, inputs } = await harness({
      answer: (input) =>
        new Promise((_, reject) =>
          input.signal.addEventListener('abort', () => reject(new SlipwayError('client_closed', 'aborted'))),
        ),
    });
    const running = run(payload, new AbortController().signal);
    await settle();
    receiver.cancel();
    await expect(running).resolves.toBeUndefined();
    expect(inputs[0]?.signal.aborted).toBe(true);
  });

  it('does not start a run nobody waits for', async () => {
    const { run, payload, receiver, inputs } = await harness({
      answer: () => Promise.reject(new Error('not used')),
    });
    receiver.close();
    await run(payload, new AbortController().signal);
    expect(inputs).toHaveLength(0);
  });
});
