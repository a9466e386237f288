import type { EmbeddingInput, EmbeddingRequest, EmbeddingResponse } from '../core/chat.js';
import { toSlipwayError } from '../core/errors.js';
import type { Caller } from '../core/identity.js';
import type { InteractionTags } from '../core/interaction.js';
import { toMicroUsd } from '../core/limit-charges.js';
import { computeCostUsd, findPrice, highestPrice } from '../core/pricing.js';
import { targetName } from '../core/route.js';
import type { TokenCounter } from '../ports/token-counter.js';
import { AttemptSignal } from './attempt-signal.js';
import { authorizeRoute } from './authorize-route.js';
import type { CompleteChatDeps } from './complete-chat.js';
import {
  failInteraction,
  handOverInteraction,
  newInteractionRecord,
  traceOf,
  upstreamHeaders,
} from './interaction-records.js';
import { reserveLimits } from './limit-reservation.js';
import type { LimitReservation } from './limit-reservation.js';
import { runAttempts } from './run-attempts.js';

export type CreateEmbeddingsDeps = Omit<CompleteChatDeps, 'defaultMaxOutputTokens'>;

export interface CreateEmbeddingsInput {
  caller: Caller;
  request: EmbeddingRequest;
  endUser: string | null;
  /** The client's connection: aborting it stops the request at once (error `client_closed`). */
  signal: AbortSignal;
  /** Forwarded to the upstream (`traceparent` is replaced by the interaction's own span). */
  headers?: Record<string, string>;
  /** The caller's W3C `traceparent`, continued by the interaction's span when valid. */
  traceparent?: string;
  /** What the interaction is recorded as part of, e.g. the batch it is a line of. */
  tags?: InteractionTags;
  /** The request as the interaction log records it, when the inputs must not be kept (document text). */
  loggedRequest?: EmbeddingRequest;
}

export interface CreateEmbeddingsResult {
  response: EmbeddingResponse;
  interactionId: string;
  /** `providerId/model` of the target that served. */
  target: string;
  /** Upstream attempts made, failed ones included. */
  attempts: number;
}

/**
 * The embeddings use case, with the same model authorization, limits, retries, fallbacks, breakers, timeout
 * (`timeouts.totalMs` per attempt) and one interaction record per request as chat completions. The record keeps
 * the response's model, usage, count and dimensions but not the vectors: they are large and say nothing to a
 * reader of the log.
 * @example const createEmbeddings = makeCreateEmbeddings(deps);
 * const { response } = await createEmbeddings({ caller, request: { model: 'embed', input: ['a', 'b'] }, endUser: null, signal });
 */
export function makeCreateEmbeddings(deps: CreateEmbeddingsDeps) {
  const reservationDeps = {
    ledger: deps.ledger,
    limits: deps.limits,
    clock: deps.clock,
    onBackgroundError: deps.onBackgroundError,
  };

  return async function createEmbeddings(input: CreateEmbeddingsInput): Promise<CreateEmbeddingsResult> {
    const record = newInteractionRecord({
      id: deps.random.id('int'),
      endpoint: 'embeddings',
      caller: input.caller,
      endUser: input.endUser,
      modelRequested: input.request.model,
      stream: false,
      request: input.loggedRequest ?? input.request,
      startedAt: deps.clock.now(),
      trace: traceOf(input.traceparent, deps.random),
      ...(input.tags === undefined ? {} : { tags: input.tags }),
    });
    let reservation: LimitReservation | undefined;
    try {
      const version = deps.routeTable.current();
      const route = authorizeRoute(version, {
        caller: input.caller,
        model: input.request.model,
        kind: 'embeddings',
      });
      const inputTokens = countInputTokens(deps.tokenCounter, input.request.input);
      const price = highestPrice(deps.prices, [...route.targets, ...route.contextFallbacks]);
      reservation = await reserveLimits(reservationDeps, {
        reservationId: record.id,
        caller: input.caller,
        endUser: input.endUser,
        tokens: inputTokens,
        spendMicroUsd: toMicroUsd(
          computeCostUsd({ prompt_tokens: inputTokens, completion_tokens: 0 }, price),
        ),
      });
      const result = await runAttempts(deps, {
        route,
        provider: (providerId) => version.provider(providerId),
        signal: input.signal,
        attempts: record.attempts,
        call: async (target, provider) => {
          const attempt = new AttemptSignal(input.signal);
          const { totalMs } = route.timeouts;
          attempt.deadline(totalMs, `${targetName(target)} did not answer within ${totalMs} ms`);
          try {
            const request = { ...input.request, model: target.model };
            const options = { signal: attempt.signal, headers: upstreamHeaders(input.headers, record) };
            return { value: await attempt.race(provider.embed(request, options)), ttftMs: null };
          } catch (error) {
            const reason = attempt.explain(error);
            attempt.abort(reason);
            throw reason;
          } finally {
            attempt.dispose();
          }
        },
      });
      const response = result.value;
      const usage = { prompt_tokens: response.usage.prompt_tokens, completion_tokens: 0 };
      record.status = 'success';
      record.target = targetName(result.target);
      record.response = summarize(response);
      record.promptTokens = response.usage.prompt_tokens;
      record.totalTokens = response.usage.total_tokens;
      record.costUsd = computeCostUsd(usage, findPrice(deps.prices, result.target));
      // Not awaited, as for chat: settling never throws and the reservation is conservative until it commits.
      void reservation.settle({
        tokens: response.usage.total_tokens,
        spendMicroUsd: toMicroUsd(record.costUsd),
      });
      record.latencyMs = deps.clock.now() - record.startedAt;
      handOverInteraction(deps.sink, record, deps.onBackgroundError);
      return { response, interactionId: record.id, target: record.target, attempts: record.attempts.length };
    } catch (thrown) {
      const error = toSlipwayError(thrown);
      failInteraction(record, error, 'error');
      await reservation?.fail(record.attempts.length > 0);
      record.latencyMs = deps.clock.now() - record.startedAt;
      handOverInteraction(deps.sink, record, deps.onBackgroundError);
      throw error;
    }
  };
}

/** Tokens of an embeddings input: texts are counted, token arrays are already tokens. */
function countInputTokens(tokenCounter: TokenCounter, input: EmbeddingInput): number {
  if (typeof input === 'string') return tokenCounter.countText(input);
  let tokens = 0;
  for (const item of input) {
    if (typeof item === 'string') tokens += tokenCounter.countText(item);
    else if (typeof item === 'number') tokens += 1;
    else tokens += item.length;
  }
  return tokens;
}

function summarize(response: EmbeddingResponse): unknown {
  const first = response.data[0]?.embedding;
  return {
    object: response.object,
    model: response.model,
    usage: response.usage,
    count: response.data.length,
    dimensions: Array.isArray(first) ? first.length : null,
  };
}
