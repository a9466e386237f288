import type { BreakerOutcome } from './circuit-breaker.js';
import type { SlipwayError } from './errors.js';

/**
 * What the attempt loop does after a failed upstream attempt:
 * - `client_closed`: the client went away; stop at once.
 * - `context_length`: the prompt does not fit this target; go to the route's context fallbacks.
 * - `retryable`: 429, 5xx, connection error, timeout; retry this target, then fall back to the next.
 * - `fatal`: the request itself is wrong (400/401/403/404); another target would answer the same.
 */
export type AttemptFailureKind = 'client_closed' | 'context_length' | 'retryable' | 'fatal';

export function classifyAttemptError(error: SlipwayError): AttemptFailureKind {
  if (error.code === 'client_closed') return 'client_closed';
  if (error.code === 'context_length_exceeded') return 'context_length';
  return error.retryable ? 'retryable' : 'fatal';
}

/**
 * What a failure says about the target's health: only retryable failures count against its breaker; a target
 * that rejected the request itself did answer, and a client that left says nothing about it.
 */
export function breakerOutcomeOf(kind: AttemptFailureKind): BreakerOutcome {
  switch (kind) {
    case 'client_closed':
      return 'abandoned';
    case 'retryable':
      return 'failure';
    case 'context_length':
    case 'fatal':
      return 'success';
  }
}
