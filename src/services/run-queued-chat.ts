import type { ChatRequest } from '../core/chat.js';
import { SlipwayError, toSlipwayError } from '../core/errors.js';
import type { Caller } from '../core/identity.js';
import type { ReplyError } from '../core/reply-frame.js';
import type { JobPayload } from '../jobs/job-catalog.js';
import type { ApiKeyStore } from '../ports/api-key-store.js';
import type { Clock } from '../ports/clock.js';
import type { Random } from '../ports/random.js';
import type { ReplyChannel, ReplySender } from '../ports/reply-channel.js';
import type { CompleteChatInput, CompleteChatResult } from './complete-chat.js';

export interface RunQueuedChatDeps {
  completeChat(input: CompleteChatInput): Promise<CompleteChatResult>;
  apiKeys: Pick<ApiKeyStore, 'getApiKey'>;
  replies: Pick<ReplyChannel, 'attach'>;
  /** The body checks of `/v1/chat/completions`, so that a job's request is held to the same rules. */
  parseRequest(body: unknown): ChatRequest;
  clock: Clock;
  random: Random;
  /** How often the run tells the API process it is alive (`queue.dispatch.heartbeatMs`). */
  heartbeatMs: number;
  logError(message: string, error: unknown): void;
}

function replyErrorOf(error: SlipwayError): ReplyError {
  return {
    code: error.code,
    message: error.message,
    ...(error.param === undefined ? {} : { param: error.param }),
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  };
}

/**
 * The `inference.chat` job, run by a worker: rebuilds the caller from its key, runs the chat use case (limits,
 * retries, fallbacks, the one interaction record, tagged `variant: 'queued'` and continuing the request's trace)
 * and streams its answer to the API process as reply frames, with heartbeats while it works. The use case's
 * own failure is the answer (an `error` frame; the job is done). Only a worker that is stopping (the queue's
 * signal) throws, so that the queue gives the job to another worker; a run whose API process cancelled it or
 * went away stops and the job is done, as nobody waits for it.
 * @example const runQueuedChat = makeRunQueuedChat(deps); await runQueuedChat(payload, signal);
 */
export function makeRunQueuedChat(deps: RunQueuedChatDeps) {
  async function callerOf(keyId: string): Promise<Caller> {
    const key = await deps.apiKeys.getApiKey(keyId);
    const expired = key !== null && key.expiresAt !== null && key.expiresAt <= deps.clock.now();
    if (key === null || key.revokedAt !== null || expired) {
      throw new SlipwayError('unauthorized', 'The API key of this request was revoked or has expired');
    }
    return {
      keyId: key.id,
      projectId: key.projectId,
      role: key.role,
      allowedModels: key.allowedModels,
      limits: key.limits,
    };
  }

  async function answer(
    payload: JobPayload<'inference.chat'>,
    run: { sender: ReplySender; signal: AbortSignal },
  ): Promise<void> {
    const { sender, signal } = run;
    const result = await deps.completeChat({
      caller: await callerOf(payload.keyId),
      request: deps.parseRequest(payload.request),
      endUser: payload.endUser,
      signal,
      tags: { ...payload.tags, variant: 'queued' },
      ...(payload.traceparent === undefined ? {} : { traceparent: payload.traceparent }),
      ...(payload.headers === undefined ? {} : { headers: payload.headers }),
    });
    const served = { interactionId: result.interactionId, target: result.target, attempts: result.attempts };
    if (result.kind === 'completion') {
      sender.send({ kind: 'completion', completion: result.completion, ...served });
      return;
    }
    sender.send({ kind: 'stream', ...served });
    for await (const chunk of result.chunks) sender.send({ kind: 'chunk', chunk });
    sender.send({ kind: 'end' });
  }

  return async function runQueuedChat(
    payload: JobPayload<'inference.chat'>,
    signal: AbortSignal,
  ): Promise<void> {
    const sender = await deps.replies.attach(payload.reply, deps.random.id('run'));
    try {
      if (sender.signal.aborted) return;
      sender.send({ kind: 'start' });
      const heartbeat = setInterval(() => sender.send({ kind: 'heartbeat' }), deps.heartbeatMs);
      try {
        await answer(payload, { sender, signal: AbortSignal.any([signal, sender.signal]) });
      } catch (thrown) {
        if (signal.aborted) throw thrown;
        const error = toSlipwayError(thrown);
        if (error.code === 'internal_error') deps.logError('a queued chat request failed', thrown);
        sender.send({ kind: 'error', error: replyErrorOf(error) });
      } finally {
        clearInterval(heartbeat);
      }
    } finally {
      sender.close();
    }
  };
}
