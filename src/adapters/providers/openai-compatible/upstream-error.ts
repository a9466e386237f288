import type { IncomingHttpHeaders } from 'node:http';
import { SlipwayError } from '../../../core/errors.js';
import { parseRetryAfterMs } from './retry-after.js';

/** Upstream messages are kept for the log and the client, but a proxy's HTML page must not flood either. */
const MESSAGE_LIMIT = 400;

// System and undici error codes that mean no usable connection to the upstream.
const CONNECTION_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TIMEOUT_ERROR_CODES: ReadonlySet<string> = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

// OpenAI says `context_length_exceeded`; vLLM, llama.cpp, Ollama and others only say it in words.
const CONTEXT_LENGTH_PATTERN =
  /context[_ ]length|maximum context|context (?:size|window)|prompt is too long|input is too long/i;

function truncate(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= MESSAGE_LIMIT ? flat : `${flat.slice(0, MESSAGE_LIMIT)}…`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface UpstreamErrorBody {
  message: string;
  code: string | undefined;
  param: string | undefined;
}

function stringOrUndefined(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** Reads `{"error":{"message","code","param"}}` and the looser shapes other OpenAI-compatible servers use. */
function readErrorPayload(payload: unknown): UpstreamErrorBody | undefined {
  if (!isRecord(payload)) return undefined;
  const error = payload.error;
  if (isRecord(error)) {
    return {
      message: stringOrUndefined(error.message) ?? JSON.stringify(error),
      code: stringOrUndefined(error.code) ?? stringOrUndefined(error.type),
      param: stringOrUndefined(error.param),
    };
  }
  const message =
    stringOrUndefined(error) ?? stringOrUndefined(payload.message) ?? stringOrUndefined(payload.detail);
  return message === undefined
    ? undefined
    : { message, code: stringOrUndefined(payload.code), param: undefined };
}

function readErrorBody(body: string): UpstreamErrorBody {
  try {
    const parsed = readErrorPayload(JSON.parse(body));
    if (parsed) return parsed;
  } catch {
    // Not JSON: a proxy's HTML page or plain text, reported as is below.
  }
  const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1];
  return { message: title ?? body, code: undefined, param: undefined };
}

/** Options of {@link errorFromUpstreamResponse}. */
export interface UpstreamResponseErrorOptions {
  providerId: string;
  status: number;
  headers: IncomingHttpHeaders;
  /** The response body as text (possibly cut short). */
  body: string;
  /** Milliseconds since the epoch, to turn a Retry-After date into a delay. */
  now: number;
}

/**
 * The SlipwayError for a non-2xx upstream answer, following the ModelProvider contract: 429 → rate_limited,
 * 502/503/504 → upstream_unavailable, other 5xx → upstream_error, a 400 about the context window →
 * context_length_exceeded, 400/401/403/404 → invalid_request/unauthorized/forbidden/not_found.
 * @example throw errorFromUpstreamResponse({ providerId: 'openai', status: 429, headers, body, now: Date.now() });
 */
export function errorFromUpstreamResponse(options: UpstreamResponseErrorOptions): SlipwayError {
  const { providerId, status } = options;
  const upstream = readErrorBody(options.body);
  const detail = truncate(upstream.message);
  const message = `Upstream ${providerId} answered ${status}${detail ? `: ${detail}` : ''}`;
  const retryAfterMs = parseRetryAfterMs(options.headers, options.now);
  const common = { upstreamStatus: status, retryAfterMs };
  if (status === 429) return new SlipwayError('rate_limited', message, { ...common, retryable: true });
  if (status === 502 || status === 503 || status === 504) {
    return new SlipwayError('upstream_unavailable', message, { ...common, retryable: true });
  }
  if (status >= 500) return new SlipwayError('upstream_error', message, { ...common, retryable: true });
  if (status === 408) return new SlipwayError('timeout', message, { ...common, retryable: true });
  const clientError = { ...common, retryable: false, param: upstream.param };
  if (status === 401) return new SlipwayError('unauthorized', message, clientError);
  if (status === 403) return new SlipwayError('forbidden', message, clientError);
  if (status === 404) return new SlipwayError('not_found', message, clientError);
  if (status >= 400) {
    const aboutContext =
      upstream.code === 'context_length_exceeded' || CONTEXT_LENGTH_PATTERN.test(upstream.message);
    if (status === 400 && aboutContext) {
      return new SlipwayError('context_length_exceeded', message, {
        ...clientError,
        param: upstream.param ?? 'messages',
      });
    }
    return new SlipwayError('invalid_request', message, clientError);
  }
  // 1xx/3xx reach here only from a misconfigured base URL (undici does not follow redirects).
  return new SlipwayError('upstream_error', message, { upstreamStatus: status, retryable: false });
}

/**
 * The SlipwayError for an in-band `{"error": …}` object or `event: error` inside a 2xx stream: the upstream
 * failed after it had accepted the request.
 */
export function errorFromStreamPayload(providerId: string, payload: unknown): SlipwayError {
  const upstream = readErrorPayload(payload);
  const detail = truncate(upstream?.message ?? JSON.stringify(payload));
  return new SlipwayError('upstream_error', `Upstream ${providerId} sent an error in the stream: ${detail}`, {
    retryable: true,
  });
}

function errorCodeOf(error: unknown): string | undefined {
  if (!isRecord(error) && !(error instanceof Error)) return undefined;
  const record = error as unknown as Record<string, unknown>;
  if (typeof record.code === 'string') return record.code;
  // Happy-eyeballs connection attempts fail with an AggregateError of one error per address.
  if (error instanceof AggregateError) return errorCodeOf(error.errors[0]);
  return error instanceof Error ? errorCodeOf(error.cause) : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

/** Options of {@link errorFromTransport}. */
export interface TransportErrorOptions {
  providerId: string;
  error: unknown;
  /** The caller's signal: when it aborted, its reason explains the failure better than the error does. */
  signal: AbortSignal;
}

/**
 * The SlipwayError for a request that failed without an HTTP answer: the signal's SlipwayError reason as is,
 * other aborts → timeout, refused/reset connections and socket errors → upstream_unavailable.
 */
export function errorFromTransport(options: TransportErrorOptions): SlipwayError {
  const { providerId, error, signal } = options;
  if (signal.aborted) return errorFromAbort(providerId, signal);
  if (error instanceof SlipwayError) return error;
  const code = errorCodeOf(error);
  if (code !== undefined && CONNECTION_ERROR_CODES.has(code)) {
    return new SlipwayError(
      'upstream_unavailable',
      `Upstream ${providerId} unreachable: ${code} ${describe(error)}`,
      {
        cause: error,
        retryable: true,
      },
    );
  }
  if (code !== undefined && TIMEOUT_ERROR_CODES.has(code)) {
    return new SlipwayError('timeout', `Upstream ${providerId} timed out: ${describe(error)}`, {
      cause: error,
      retryable: true,
    });
  }
  return new SlipwayError('upstream_error', `Upstream ${providerId} failed: ${describe(error)}`, {
    cause: error,
    retryable: true,
  });
}

/** The signal's reason when it is a SlipwayError (the caller said why), otherwise a timeout. */
export function errorFromAbort(providerId: string, signal: AbortSignal): SlipwayError {
  const reason: unknown = signal.reason;
  if (reason instanceof SlipwayError) return reason;
  return new SlipwayError('timeout', `Upstream ${providerId} did not answer in time`, {
    cause: reason,
    retryable: true,
  });
}
