import type { SlipwayError } from '../core/errors.js';
import type { Caller } from '../core/identity.js';
import type { Endpoint, InteractionRecord, InteractionTags } from '../core/interaction.js';
import {
  type TraceContext,
  formatTraceparent,
  safeParseTraceparent,
  startTraceContext,
} from '../core/trace-context.js';
import type { Random } from '../ports/random.js';
import type { InteractionSink } from '../ports/interaction-sink.js';

export interface NewInteractionOptions {
  id: string;
  endpoint: Endpoint;
  caller: Caller;
  endUser: string | null;
  modelRequested: string;
  stream: boolean;
  /** The request body exactly as the client sent it. */
  request: unknown;
  startedAt: number;
  trace: TraceContext;
  tags?: InteractionTags;
}

/**
 * The record of a request that has just started: no target, no tokens, status `error` until the request says
 * otherwise, so that an unexpected exit still leaves an honest record.
 */
export function newInteractionRecord(options: NewInteractionOptions): InteractionRecord {
  return {
    id: options.id,
    endpoint: options.endpoint,
    projectId: options.caller.projectId,
    apiKeyId: options.caller.keyId,
    endUser: options.endUser,
    modelRequested: options.modelRequested,
    target: null,
    variant: options.tags?.variant ?? null,
    promptName: options.tags?.promptName ?? null,
    promptVersion: options.tags?.promptVersion ?? null,
    retrievedDocuments: options.tags?.retrievedDocuments ?? [],
    batchId: options.tags?.batchId ?? null,
    stream: options.stream,
    status: 'error',
    errorCode: null,
    errorMessage: null,
    request: options.request,
    response: null,
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    costUsd: 0,
    latencyMs: 0,
    ttftMs: null,
    startedAt: options.startedAt,
    trace: options.trace,
    attempts: [],
  };
}

/** Marks the record failed with this error. */
export function failInteraction(
  record: InteractionRecord,
  error: SlipwayError,
  status: 'error' | 'incomplete',
): void {
  record.status = status;
  record.errorCode = error.code;
  record.errorMessage = error.message;
}

/**
 * Hands a finished record to the sink without waiting for it: the response must not wait for logging, and the
 * sink's back-pressure is its own buffer's business. A sink failure goes to `onError`, never to the client.
 */
export function handOverInteraction(
  sink: InteractionSink,
  record: InteractionRecord,
  onError: (error: unknown) => void,
): void {
  try {
    const pending = sink.record(record);
    if (pending) pending.catch(onError);
  } catch (error) {
    onError(error);
  }
}

/**
 * The headers sent upstream: the caller's forwarded ones, with `traceparent` naming the interaction's span, so
 * that an upstream that traces joins the caller's trace under the gateway's span.
 */
export function upstreamHeaders(
  forwarded: Record<string, string> | undefined,
  record: InteractionRecord,
): Record<string, string> | undefined {
  if (record.trace === null) return forwarded;
  return { ...forwarded, traceparent: formatTraceparent(record.trace) };
}

/** The interaction's span: a child of the caller's `traceparent` when it is valid, else the root of a new trace. */
export function traceOf(traceparent: string | undefined, random: Random): TraceContext {
  return startTraceContext(safeParseTraceparent(traceparent), (length) => random.bytes(length));
}
