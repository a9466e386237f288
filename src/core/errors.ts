/**
 * The closed set of error codes. The HTTP layer maps each to one status (src/http/openai-error.ts) and
 * docs/errors.md lists each; a test fails when the three drift apart.
 */
export const ERROR_CODES = [
  'invalid_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'rate_limited',
  'budget_exceeded',
  'context_length_exceeded',
  'overloaded',
  'upstream_error',
  'upstream_unavailable',
  'timeout',
  'client_closed',
  'internal_error',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface SlipwayErrorOptions {
  cause?: unknown;
  /** True when the same request may succeed if tried again (on this target or another). */
  retryable?: boolean;
  /** The request field at fault, reported as OpenAI's `param`. */
  param?: string;
  /** How long the caller should wait before trying again, from Retry-After or a limit window. */
  retryAfterMs?: number;
  /** The HTTP status an upstream answered with, when the error came from one. */
  upstreamStatus?: number;
}

/**
 * The one error type Slipway throws on purpose.
 * @example throw new SlipwayError('not_found', `No model named ${name}`, { param: 'model' });
 */
export class SlipwayError extends Error {
  readonly retryable: boolean;
  readonly param: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly upstreamStatus: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: SlipwayErrorOptions = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'SlipwayError';
    this.retryable = options.retryable ?? false;
    this.param = options.param;
    this.retryAfterMs = options.retryAfterMs;
    this.upstreamStatus = options.upstreamStatus;
  }
}

/** Wraps anything thrown into a SlipwayError, keeping the original as the cause. */
export function toSlipwayError(error: unknown): SlipwayError {
  if (error instanceof SlipwayError) return error;
  return new SlipwayError('internal_error', 'Internal error', { cause: error });
}
