import { type ErrorCode, type SlipwayError, toSlipwayError } from '../core/errors.js';

/** The only place that knows HTTP statuses: one status per error code. */
export const STATUS_OF: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  context_length_exceeded: 400,
  rate_limited: 429,
  budget_exceeded: 429,
  client_closed: 499,
  internal_error: 500,
  upstream_error: 502,
  upstream_unavailable: 503,
  overloaded: 503,
  timeout: 504,
};

/** OpenAI's `error.type` for each code, so that SDKs raise the matching exception class. */
const TYPE_OF: Record<ErrorCode, string> = {
  invalid_request: 'invalid_request_error',
  unauthorized: 'authentication_error',
  forbidden: 'permission_error',
  not_found: 'invalid_request_error',
  conflict: 'invalid_request_error',
  payload_too_large: 'invalid_request_error',
  context_length_exceeded: 'invalid_request_error',
  rate_limited: 'rate_limit_error',
  budget_exceeded: 'insufficient_quota',
  client_closed: 'invalid_request_error',
  internal_error: 'server_error',
  upstream_error: 'server_error',
  upstream_unavailable: 'server_error',
  overloaded: 'server_error',
  timeout: 'server_error',
};

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: ErrorCode };
}

/**
 * Status and body for anything thrown. Unknown throws become `internal_error` with a generic message: raw
 * messages of unexpected errors never reach clients (the cause is kept for the server log).
 */
export function toOpenAiError(thrown: unknown): {
  status: number;
  body: OpenAiErrorBody;
  error: SlipwayError;
} {
  const error = toSlipwayError(thrown);
  return {
    status: STATUS_OF[error.code],
    body: {
      error: {
        message: error.message,
        type: TYPE_OF[error.code],
        param: error.param ?? null,
        code: error.code,
      },
    },
    error,
  };
}
