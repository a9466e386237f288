import type { SlipwayError } from '../core/errors.js';
import { LimitExceededError } from '../core/limit-exceeded-error.js';

const WAIT_CODES = new Set(['rate_limited', 'budget_exceeded', 'overloaded', 'upstream_unavailable']);

/** OpenAI's header names for requests and tokens per minute; spend limits use Slipway's `budget-usd`. */
function limitHeaders(error: LimitExceededError): Record<string, string> {
  const counter = error.counter;
  const isRate = counter.endsWith(':rpm') || counter.endsWith(':tpm');
  const measure = counter.endsWith(':rpm') ? 'requests' : counter.endsWith(':tpm') ? 'tokens' : 'budget-usd';
  // Spend counters hold micro-USD.
  const scale = isRate ? 1 : 1_000_000;
  const headers: Record<string, string> = {
    [`x-ratelimit-limit-${measure}`]: String(error.limit / scale),
    [`x-ratelimit-remaining-${measure}`]: String(Math.max(0, error.limit - error.used) / scale),
  };
  if (error.retryAfterMs !== undefined) {
    headers[`x-ratelimit-reset-${measure}`] = `${Math.ceil(error.retryAfterMs / 1000)}s`;
  }
  return headers;
}

/** `Retry-After` and `x-ratelimit-*` for an error that carries them; empty otherwise. */
export function rateLimitHeadersOf(error: SlipwayError): Record<string, string> {
  const headers = error instanceof LimitExceededError ? limitHeaders(error) : {};
  if (error.retryAfterMs !== undefined && WAIT_CODES.has(error.code)) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
  }
  return headers;
}
