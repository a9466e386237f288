import type { ChatCompletion, ChatCompletionChunk } from './chat.js';
import type { ErrorCode } from './errors.js';

/** What the API process needs to rebuild a worker's error as the same `SlipwayError` (code, status, headers). */
export interface ReplyError {
  code: ErrorCode;
  message: string;
  param?: string;
  retryAfterMs?: number;
}

/** The headers of a served request (`x-slipway-interaction-id`, `-target`, `-attempts`). */
export interface ReplyServed {
  interactionId: string;
  target: string;
  attempts: number;
}

/**
 * One message of a worker's answer to a queued request, in the order a run sends them:
 * `start`, then `heartbeat`s throughout, then either `completion`; or `stream`, `chunk`s and `end`; or `error`
 * (at any point, last). `completion`, `end` and `error` are final.
 */
export type ReplyFrame =
  | { kind: 'start' }
  | { kind: 'heartbeat' }
  | ({ kind: 'completion'; completion: ChatCompletion } & ReplyServed)
  | ({ kind: 'stream' } & ReplyServed)
  | { kind: 'chunk'; chunk: ChatCompletionChunk }
  | { kind: 'end' }
  | { kind: 'error'; error: ReplyError };

/** A frame as received: which run (one delivery of the job to a worker) sent it. */
export interface ReceivedFrame {
  runId: string;
  frame: ReplyFrame;
}

/** Where a worker sends the frames of one request: a per-process address and a per-request correlation id. */
export interface ReplyAddress {
  to: string;
  correlationId: string;
}
