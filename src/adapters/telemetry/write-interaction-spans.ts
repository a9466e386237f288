import {
  type Context,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import type { InteractionRecord } from '../../core/interaction.js';
import { genAiContentAttributes } from './genai-content-attributes.js';
import {
  type ServerAddressOf,
  attemptSpanAttributes,
  attemptSpanName,
  interactionSpanAttributes,
  interactionSpanName,
} from './genai-span-attributes.js';
import type { PresetIdGenerator } from './preset-id-generator.js';

export interface WriteInteractionSpansOptions {
  tracer: Tracer;
  /** The tracer provider's id generator, through which the interaction span gets the record's own ids. */
  ids: PresetIdGenerator;
  record: InteractionRecord;
  /**
   * The same record after redaction, when message content is exported; null otherwise. Text (messages and
   * error messages) is taken only from it, so nothing unredacted leaves the process.
   */
  redacted: InteractionRecord | null;
  serverAddressOf: ServerAddressOf;
}

/** The caller's span as a remote parent, or the root context when the trace started at the gateway. */
function parentContextOf(record: InteractionRecord): Context {
  if (record.trace === null || record.trace.parentSpanId === null) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: record.trace.traceId,
    spanId: record.trace.parentSpanId,
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
}

function setError(span: Span, code: string | null, message: string | null): void {
  const description = message === null ? (code ?? 'error') : `${code ?? 'error'}: ${message}`;
  span.setStatus({ code: SpanStatusCode.ERROR, message: description });
}

/**
 * Ends, with their recorded times, a CLIENT span for the interaction (the record's own trace and span ids, child
 * of the caller's span) and a child CLIENT span per upstream attempt. A record whose caller asked not to sample
 * its trace produces no span.
 */
export function writeInteractionSpans(options: WriteInteractionSpansOptions): void {
  const { tracer, ids, record, redacted, serverAddressOf } = options;
  if (record.trace !== null && !record.trace.sampled) return;
  const attributes = {
    ...interactionSpanAttributes(record, serverAddressOf),
    ...(redacted === null ? {} : genAiContentAttributes(redacted)),
  };
  const start = () =>
    tracer.startSpan(
      interactionSpanName(record),
      { kind: SpanKind.CLIENT, startTime: millisToHrTime(record.startedAt), attributes },
      parentContextOf(record),
    );
  const span = record.trace === null ? start() : ids.withIds(record.trace, start);
  if (record.status !== 'success') setError(span, record.errorCode, redacted?.errorMessage ?? null);

  const attemptParent = trace.setSpan(ROOT_CONTEXT, span);
  record.attempts.forEach((attempt, position) => {
    const attemptSpan = tracer.startSpan(
      attemptSpanName(record, attempt),
      {
        kind: SpanKind.CLIENT,
        startTime: millisToHrTime(attempt.startedAt),
        attributes: attemptSpanAttributes(record, attempt, serverAddressOf),
      },
      attemptParent,
    );
    if (attempt.status === 'error') {
      setError(attemptSpan, attempt.errorCode, redacted?.attempts[position]?.errorMessage ?? null);
    }
    attemptSpan.end(millisToHrTime(attempt.startedAt + attempt.latencyMs));
  });
  span.end(millisToHrTime(record.startedAt + record.latencyMs));
}
