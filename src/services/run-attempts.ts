import { computeRetryDelay } from '../core/backoff.js';
import { breakerOutcomeOf, classifyAttemptError } from '../core/classify-attempt-error.js';
import type { BreakerOutcome } from '../core/circuit-breaker.js';
import { SlipwayError, toSlipwayError } from '../core/errors.js';
import type { AttemptRecord } from '../core/interaction.js';
import type { Route, Target } from '../core/route.js';
import { orderTargets } from '../core/select-targets.js';
import type { Clock } from '../ports/clock.js';
import type { ModelProvider } from '../ports/model-provider.js';
import type { Random } from '../ports/random.js';
import { clientClosedError } from './attempt-signal.js';
import type { BreakerRegistry } from './breaker-registry.js';

/** Waits `ms`, or rejects as soon as `signal` aborts. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

export interface RunAttemptsDeps {
  breakers: BreakerRegistry;
  clock: Clock;
  random: Random;
  sleep: Sleep;
}

/** What one successful attempt produced. */
export interface AttemptSuccess<T> {
  value: T;
  /** Time to first token of the attempt, for streams. */
  ttftMs: number | null;
}

export interface RunAttemptsOptions<T> {
  route: Route;
  provider: (providerId: string) => ModelProvider;
  /** The client's signal: once aborted, no further attempt or retry starts. */
  signal: AbortSignal;
  /** Filled with one record per attempt made, failed ones included, also when `runAttempts` throws. */
  attempts: AttemptRecord[];
  /** Makes one attempt; throws a SlipwayError classified by `classifyAttemptError`. */
  call: (target: Target, provider: ModelProvider) => Promise<AttemptSuccess<T>>;
}

export interface AttemptsResult<T> {
  value: T;
  target: Target;
  /** The record of the successful attempt (also the last of `attempts`), for streams to complete later. */
  attempt: AttemptRecord;
}

type TargetOutcome<T> =
  | { kind: 'success'; result: AttemptsResult<T> }
  | { kind: 'unavailable' }
  | { kind: 'failed'; error: SlipwayError; contextLength: boolean };

/**
 * The gateway's only retry loop (provider adapters never retry). Tries the route's targets in strategy order,
 * skipping those whose breaker is open; retries a target on retryable failures with backoff (or its Retry-After)
 * up to `retry.maxAttempts`, then falls back to the next; ends at once on a client abort or on a failure that
 * another target would repeat (400/401/403/404); on `context_length_exceeded` leaves the remaining targets for
 * the route's context fallbacks, in order.
 *
 * Throws the last attempt's error when every target failed, and `upstream_unavailable` (retryable) when no
 * attempt could be made because every breaker was open.
 * @example const { value, target } = await runAttempts(deps, { route, provider, signal, attempts, call });
 */
export async function runAttempts<T>(
  deps: RunAttemptsDeps,
  options: RunAttemptsOptions<T>,
): Promise<AttemptsResult<T>> {
  const queue = orderTargets(options.route, () => deps.random.fraction());
  let inContextFallbacks = false;
  let lastError: SlipwayError | undefined;
  for (let target = queue.shift(); target !== undefined; target = queue.shift()) {
    const outcome = await tryTarget(deps, options, target);
    if (outcome.kind === 'success') return outcome.result;
    if (outcome.kind === 'unavailable') continue;
    lastError = outcome.error;
    if (outcome.contextLength && !inContextFallbacks) {
      inContextFallbacks = true;
      queue.splice(0, queue.length, ...options.route.contextFallbacks);
    }
  }
  if (lastError) throw lastError;
  throw new SlipwayError(
    'upstream_unavailable',
    `Every target of model ${options.route.model} is unavailable`,
    {
      retryable: true,
    },
  );
}

async function tryTarget<T>(
  deps: RunAttemptsDeps,
  options: RunAttemptsOptions<T>,
  target: Target,
): Promise<TargetOutcome<T>> {
  const { route, signal, attempts } = options;
  let lastError: SlipwayError | undefined;
  for (let attemptOnTarget = 1; ; attemptOnTarget += 1) {
    if (signal.aborted) throw clientClosedError();
    if (!(await deps.breakers.canAttempt(target, route.breaker))) {
      // The breaker may also have opened between two attempts on this target (this request's failures count).
      return lastError ? { kind: 'failed', error: lastError, contextLength: false } : { kind: 'unavailable' };
    }
    const record: AttemptRecord = {
      index: attempts.length,
      providerId: target.providerId,
      model: target.model,
      startedAt: deps.clock.now(),
      latencyMs: 0,
      ttftMs: null,
      status: 'success',
      errorCode: null,
      errorMessage: null,
      upstreamStatus: null,
    };
    attempts.push(record);
    let success: AttemptSuccess<T>;
    try {
      success = await options.call(target, options.provider(target.providerId));
    } catch (thrown) {
      const error = signal.aborted ? clientClosedError() : toSlipwayError(thrown);
      record.latencyMs = deps.clock.now() - record.startedAt;
      record.status = 'error';
      record.errorCode = error.code;
      record.errorMessage = error.message;
      record.upstreamStatus = error.upstreamStatus ?? null;
      const kind = classifyAttemptError(error);
      await reportToBreaker(deps.breakers, { target, route, outcome: breakerOutcomeOf(kind) });
      switch (kind) {
        case 'client_closed':
        case 'fatal':
          throw error;
        case 'context_length':
          return { kind: 'failed', error, contextLength: true };
        case 'retryable': {
          lastError = error;
          const decision = computeRetryDelay({
            policy: route.retry,
            attempt: attemptOnTarget,
            fraction: deps.random.fraction(),
            ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
          });
          if (decision.kind === 'give_up') return { kind: 'failed', error, contextLength: false };
          try {
            await deps.sleep(decision.delayMs, signal);
          } catch {
            throw clientClosedError();
          }
          continue;
        }
      }
    }
    record.latencyMs = deps.clock.now() - record.startedAt;
    record.ttftMs = success.ttftMs;
    await deps.breakers.recordSuccess(target, route.breaker);
    return { kind: 'success', result: { value: success.value, target, attempt: record } };
  }
}

/** Applies one attempt's outcome to its target's breaker. */
async function reportToBreaker(
  breakers: BreakerRegistry,
  report: { target: Target; route: Route; outcome: BreakerOutcome },
): Promise<void> {
  switch (report.outcome) {
    case 'success':
      return breakers.recordSuccess(report.target, report.route.breaker);
    case 'failure':
      return breakers.recordFailure(report.target, report.route.breaker);
    case 'abandoned':
      return breakers.recordAbandoned(report.target, report.route.breaker);
  }
}
