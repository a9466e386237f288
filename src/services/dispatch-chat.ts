import type { ChatCompletionChunk } from '../core/chat.js';
import { SlipwayError } from '../core/errors.js';
import type { ReceivedFrame, ReplyError, ReplyServed } from '../core/reply-frame.js';
import type { JobPayload } from '../jobs/job-catalog.js';
import type { Clock } from '../ports/clock.js';
import type { JobQueue } from '../ports/job-queue.js';
import type { Random } from '../ports/random.js';
import type { ReplyChannel, ReplyReceiver } from '../ports/reply-channel.js';
import { authorizeRoute } from './authorize-route.js';
import type { CompleteChatInput, CompleteChatResult } from './complete-chat.js';
import { FrameInbox } from './frame-inbox.js';
import type { RouteTable } from './route-table.js';

/** `queue.dispatch` of the configuration. */
export interface DispatchSettings {
  maxDepth: number;
  rejectWith: 'overloaded' | 'rate_limited';
  retryAfterMs: number;
  jobTimeoutMs: number;
  heartbeatMs: number;
}

export interface DispatchChatDeps {
  /** The chat use case run in this process: `direct` routes, and unknown models (it answers their error). */
  completeChat(input: CompleteChatInput): Promise<CompleteChatResult>;
  routeTable: Pick<RouteTable, 'current'>;
  queue: Pick<JobQueue, 'enqueue'>;
  replies: Pick<ReplyChannel, 'open'>;
  clock: Clock;
  random: Random;
  settings: DispatchSettings;
}

/** Deliveries of one queued request: the first, and retries after workers that died before answering. */
const MAX_DELIVERIES = 3;
/** Heartbeat periods without a frame after which a run's worker is taken for dead. */
const SILENT_PERIODS = 5;

/** The error a worker reported, as the same `SlipwayError` (so the client sees the same status and body). */
function errorOf(reply: ReplyError): SlipwayError {
  return new SlipwayError(reply.code, reply.message, {
    ...(reply.param === undefined ? {} : { param: reply.param }),
    ...(reply.retryAfterMs === undefined ? {} : { retryAfterMs: reply.retryAfterMs }),
  });
}

function workerLostError(why: string): SlipwayError {
  return new SlipwayError(
    'upstream_unavailable',
    `The worker running this request ${why}; the answer is incomplete`,
    {
      retryable: true,
    },
  );
}

type Head =
  | ({ kind: 'completion' } & ReplyServed & {
        completion: Extract<CompleteChatResult, { kind: 'completion' }>['completion'];
      })
  | ({ kind: 'stream' } & ReplyServed & { first: ChatCompletionChunk | null; runId: string });

/**
 * Chat completions with the route's dispatch: a `direct` route runs here (`completeChat`); a `queued` route is
 * published as an `inference.chat` job and answered by a worker, whose frames come back on the reply channel.
 * The result has the shape `completeChat` returns, so the HTTP layer serves both alike.
 *
 * Queued requests: at most `maxDepth` wait for a worker at once (the next is refused with `rejectWith` and
 * `Retry-After`); one that no worker starts within `jobTimeoutMs` fails with `timeout`. A worker that dies
 * before the first chunk or the completion reached this process is replaced transparently (its job is
 * delivered again and the new run's answer is used); one that dies afterwards ends the stream with one error
 * frame. A client that leaves cancels the run. Limits, retries, fallbacks and the interaction record are the
 * worker's: they happen once, there.
 * @example const dispatchChat = makeDispatchChat({ completeChat, routeTable, queue, replies, clock, random, settings });
 */
export function makeDispatchChat(deps: DispatchChatDeps) {
  const { settings } = deps;
  const silenceMs = settings.heartbeatMs * SILENT_PERIODS;
  let waiting = 0;

  function payloadOf(input: CompleteChatInput, receiver: ReplyReceiver): JobPayload<'inference.chat'> {
    return {
      request: { ...input.request },
      keyId: input.caller.keyId,
      endUser: input.endUser,
      reply: { ...receiver.address },
      ...(input.traceparent === undefined ? {} : { traceparent: input.traceparent }),
      ...(input.headers === undefined ? {} : { headers: { ...input.headers } }),
      ...(input.tags === undefined ? {} : { tags: tagsOf(input.tags) }),
    };
  }

  /**
   * Reads frames until a run has produced what the client sees first: the completion, or the first chunk of a
   * stream. Until then a run that goes silent, or that another run replaces, has shown the client nothing.
   */
  async function awaitHead(inbox: FrameInbox, receiver: ReplyReceiver, signal: AbortSignal): Promise<Head> {
    let current: string | null = null;
    const retired = new Set<string>();
    let deadline = deps.clock.now() + settings.jobTimeoutMs;
    let lastHeard = 0;
    let stream: (ReplyServed & { runId: string }) | null = null;
    const retire = (runId: string) => {
      retired.add(runId);
      receiver.cancel(runId);
    };
    for (;;) {
      const now = deps.clock.now();
      if (current === null && now >= deadline) {
        throw new SlipwayError(
          'timeout',
          `No worker started this request within ${settings.jobTimeoutMs} ms`,
          {
            retryable: true,
          },
        );
      }
      if (current !== null && now - lastHeard >= silenceMs) {
        // Its worker died before answering: the queue delivers the job again, to a run we wait for afresh.
        retire(current);
        current = null;
        stream = null;
        deadline = now + settings.jobTimeoutMs;
        continue;
      }
      const waitMs = current === null ? deadline - now : lastHeard + silenceMs - now;
      const received: ReceivedFrame | null = await inbox.next(waitMs, signal);
      if (received === null || retired.has(received.runId)) continue;
      const { runId, frame } = received;
      if (current !== runId) {
        // A new delivery of the job: the previous run's worker is gone (or slow); nothing reached the client.
        if (current !== null) retire(current);
        current = runId;
        stream = null;
      }
      lastHeard = deps.clock.now();
      switch (frame.kind) {
        case 'start':
        case 'heartbeat':
          break;
        case 'completion':
          return { ...frame };
        case 'error':
          throw errorOf(frame.error);
        case 'stream':
          stream = {
            interactionId: frame.interactionId,
            target: frame.target,
            attempts: frame.attempts,
            runId,
          };
          break;
        case 'chunk':
          if (stream !== null) return { kind: 'stream', ...stream, first: frame.chunk };
          break;
        case 'end':
          if (stream !== null) return { kind: 'stream', ...stream, first: null };
          break;
      }
    }
  }

  async function* relayStream(
    inbox: FrameInbox,
    context: { receiver: ReplyReceiver; signal: AbortSignal; head: Extract<Head, { kind: 'stream' }> },
  ): AsyncGenerator<ChatCompletionChunk> {
    const { receiver, signal, head } = context;
    let finished = false;
    try {
      if (head.first === null) {
        finished = true;
        return;
      }
      yield head.first;
      let lastHeard = deps.clock.now();
      for (;;) {
        const waitMs = lastHeard + silenceMs - deps.clock.now();
        if (waitMs <= 0) throw workerLostError('stopped responding');
        const received = await inbox.next(waitMs, signal);
        if (received === null) continue;
        if (received.runId !== head.runId) {
          if (received.frame.kind === 'start') {
            // The job came back to another worker: the first one died after the client saw part of the answer.
            receiver.cancel(received.runId);
            throw workerLostError('stopped');
          }
          continue;
        }
        lastHeard = deps.clock.now();
        const { frame } = received;
        if (frame.kind === 'chunk') yield frame.chunk;
        else if (frame.kind === 'end') {
          finished = true;
          return;
        } else if (frame.kind === 'error') {
          finished = true;
          throw errorOf(frame.error);
        }
      }
    } finally {
      if (!finished) receiver.cancel();
      receiver.close();
    }
  }

  async function dispatchQueued(input: CompleteChatInput): Promise<CompleteChatResult> {
    if (waiting >= settings.maxDepth) {
      throw new SlipwayError(
        settings.rejectWith,
        `Too many requests are waiting for a worker (${settings.maxDepth}); try again shortly`,
        { retryable: true, retryAfterMs: settings.retryAfterMs },
      );
    }
    waiting += 1;
    const inbox = new FrameInbox();
    let receiver: ReplyReceiver | undefined;
    let handedOver = false;
    try {
      receiver = await deps.replies.open(
        (received) => inbox.push(received),
        () => inbox.fail(workerLostError('could not be heard (the reply channel was lost)')),
      );
      const requestId = deps.random.id('qreq');
      await deps.queue.enqueue([
        {
          id: `inference.chat:${requestId}`,
          name: 'inference.chat',
          payload: payloadOf(input, receiver),
          maxAttempts: MAX_DELIVERIES,
        },
      ]);
      const head = await awaitHead(inbox, receiver, input.signal);
      if (head.kind === 'completion') {
        return {
          kind: 'completion',
          completion: head.completion,
          interactionId: head.interactionId,
          target: head.target,
          attempts: head.attempts,
        };
      }
      handedOver = true;
      return {
        kind: 'stream',
        chunks: relayStream(inbox, { receiver, signal: input.signal, head }),
        interactionId: head.interactionId,
        target: head.target,
        attempts: head.attempts,
      };
    } catch (error) {
      receiver?.cancel();
      throw error;
    } finally {
      waiting -= 1;
      if (!handedOver) receiver?.close();
    }
  }

  return async function dispatchChat(input: CompleteChatInput): Promise<CompleteChatResult> {
    const version = deps.routeTable.current();
    const route = version.routes.find((candidate) => candidate.model === input.request.model);
    if (route?.dispatch !== 'queued') return deps.completeChat(input);
    // Refused here rather than by a worker: a key that may not use the model costs no job.
    authorizeRoute(version, { caller: input.caller, model: input.request.model, kind: 'chat' });
    return dispatchQueued(input);
  };
}

function tagsOf(
  tags: NonNullable<CompleteChatInput['tags']>,
): NonNullable<JobPayload<'inference.chat'>['tags']> {
  return {
    ...(tags.promptName == null ? {} : { promptName: tags.promptName }),
    ...(tags.promptVersion == null ? {} : { promptVersion: tags.promptVersion }),
    ...(tags.batchId == null ? {} : { batchId: tags.batchId }),
  };
}
