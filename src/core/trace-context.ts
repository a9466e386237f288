/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) for interactions: every request gets a span of its
 * own, continuing the caller's trace when the caller sent a valid `traceparent`, so that the interaction, its
 * OpenTelemetry export and the upstream's own spans join one trace.
 */
export interface TraceContext {
  /** 32 lowercase hex digits. */
  traceId: string;
  /** This interaction's span: 16 lowercase hex digits. */
  spanId: string;
  /** The caller's span, when the caller sent a `traceparent`. */
  parentSpanId: string | null;
  /** The caller's sampling decision (flag 01); true for traces that start here. */
  sampled: boolean;
}

interface ParentContext {
  traceId: string;
  spanId: string;
  sampled: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZERO = /^0+$/;

/**
 * The caller's context from a `traceparent` header, or null when absent or invalid (a bad header starts a new
 * trace rather than failing the request, as the specification asks).
 */
export function safeParseTraceparent(header: string | undefined): ParentContext | null {
  if (header === undefined) return null;
  const match = TRACEPARENT.exec(header.trim());
  if (!match) return null;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === undefined || traceId === undefined || spanId === undefined || flags === undefined)
    return null;
  // Version ff is forbidden; version 00 allows nothing after the flags.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return null;
  if (ALL_ZERO.test(traceId) || ALL_ZERO.test(spanId)) return null;
  return { traceId, spanId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** A new span for an interaction, child of `parent` when there is one. `randomBytes` must be unpredictable. */
export function startTraceContext(
  parent: ParentContext | null,
  randomBytes: (length: number) => Uint8Array,
): TraceContext {
  let spanId = toHex(randomBytes(8));
  // An all-zero id is invalid; with 64 random bits this branch exists for correctness, not probability.
  if (ALL_ZERO.test(spanId)) spanId = '0000000000000001';
  if (parent)
    return { traceId: parent.traceId, spanId, parentSpanId: parent.spanId, sampled: parent.sampled };
  let traceId = toHex(randomBytes(16));
  if (ALL_ZERO.test(traceId)) traceId = '00000000000000000000000000000001';
  return { traceId, spanId, parentSpanId: null, sampled: true };
}

/** The `traceparent` header that makes the interaction's span the parent of the upstream's spans. */
export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.sampled ? '01' : '00'}`;
}
