/** How a public model name is served: the targets to try and the policies that govern the attempts. */

export interface Target {
  /** The configured provider instance that serves this target. */
  providerId: string;
  /** The model name sent to that provider. */
  model: string;
  /** Relative share of traffic under the weighted strategy. */
  weight: number;
}

/** `providerId/model`, the name a target is known by in logs, headers and breaker state. */
export function targetName(target: Pick<Target, 'providerId' | 'model'>): string {
  return `${target.providerId}/${target.model}`;
}

export interface RetryPolicy {
  /** Attempts on one target, the first included. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
  /** A Retry-After longer than this is not waited for: the target is abandoned for the next one. */
  maxRetryAfterMs: number;
}

export interface TimeoutPolicy {
  /** For streams: time allowed until the first chunk arrives. */
  firstTokenMs: number;
  /** For non-stream calls: time allowed for the whole response. For streams: the whole stream. */
  totalMs: number;
}

export interface BreakerPolicy {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** Time the breaker stays open before one half-open probe is let through. */
  cooldownMs: number;
}

export type RouteKind = 'chat' | 'embeddings';

/**
 * Where a route's requests run: `direct` in the API process that received them; `queued` on a worker, through the
 * job queue, with the answer streamed back to the API process (docs/decisions/2026-12-04-queued-dispatch.md).
 */
type RouteDispatch = 'direct' | 'queued';

export interface Route {
  /** The public model name clients send. */
  model: string;
  kind: RouteKind;
  strategy: 'ordered' | 'weighted';
  targets: Target[];
  /** Tried, in order, when every target rejected the request as too long for its context window. */
  contextFallbacks: Target[];
  retry: RetryPolicy;
  timeouts: TimeoutPolicy;
  breaker: BreakerPolicy;
  /** Free text shown in `/v1/models` (the offline models say there what they are). */
  description?: string;
  /** Absent: `direct`. Only chat routes are dispatched through the queue; embeddings always run directly. */
  dispatch?: RouteDispatch;
}

/** USD per million tokens. */
export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}
