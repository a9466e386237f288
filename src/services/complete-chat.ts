import type { ChatCompletion, ChatCompletionChunk, ChatRequest, Usage } from '../core/chat.js';
import { ChatStreamAssembly } from '../core/chat-stream-assembly.js';
import { breakerOutcomeOf, classifyAttemptError } from '../core/classify-attempt-error.js';
import { toSlipwayError } from '../core/errors.js';
import type { Caller } from '../core/identity.js';
import type { InteractionRecord, InteractionTags } from '../core/interaction.js';
import { toMicroUsd } from '../core/limit-charges.js';
import type { GatewayLimits } from '../core/limit-charges.js';
import { computeCostUsd, findPrice, highestPrice } from '../core/pricing.js';
import type { PriceTable } from '../core/pricing.js';
import { targetName } from '../core/route.js';
import type { Route, Target } from '../core/route.js';
import type { Clock } from '../ports/clock.js';
import type { InteractionSink } from '../ports/interaction-sink.js';
import type { ChatStream, ModelProvider, ProviderCallOptions } from '../ports/model-provider.js';
import type { Random } from '../ports/random.js';
import type { TokenCounter } from '../ports/token-counter.js';
import type { UsageLedger } from '../ports/usage-ledger.js';
import { AttemptSignal } from './attempt-signal.js';
import { authorizeRoute } from './authorize-route.js';
import type { BreakerRegistry } from './breaker-registry.js';
import { ChatStreamRelay } from './chat-stream-relay.js';
import type { OpenedChatStream, StreamEnd } from './chat-stream-relay.js';
import {
  failInteraction,
  handOverInteraction,
  newInteractionRecord,
  traceOf,
  upstreamHeaders,
} from './interaction-records.js';
import { reserveLimits } from './limit-reservation.js';
import type { LimitReservation } from './limit-reservation.js';
import type { RouteTable, RouteTableVersion } from './route-table.js';
import { runAttempts } from './run-attempts.js';
import type { AttemptSuccess, AttemptsResult, Sleep } from './run-attempts.js';

export interface CompleteChatDeps {
  routeTable: RouteTable;
  breakers: BreakerRegistry;
  clock: Clock;
  random: Random;
  tokenCounter: TokenCounter;
  ledger: UsageLedger;
  sink: InteractionSink;
  prices: PriceTable;
  /** Defaults for every key (a key's own limits override them field by field), project and end user. */
  limits: GatewayLimits;
  /** Output tokens reserved for a request that sets neither `max_completion_tokens` nor `max_tokens`. */
  defaultMaxOutputTokens: number;
  sleep: Sleep;
  /**
   * Receives failures of the work done after the response is produced (settling limits, handing the record to
   * the sink, closing an upstream stream): they never fail the request.
   */
  onBackgroundError: (error: unknown) => void;
}

export interface CompleteChatInput {
  caller: Caller;
  request: ChatRequest;
  endUser: string | null;
  /** The client's connection: aborting it stops the request at once (error `client_closed`). */
  signal: AbortSignal;
  /** Forwarded to the upstream (`traceparent` is replaced by the interaction's own span). */
  headers?: Record<string, string>;
  /** The caller's W3C `traceparent`, continued by the interaction's span when valid. */
  traceparent?: string;
  /** What the interaction is recorded as part of: a prompt version it rendered, a batch it belongs to. */
  tags?: InteractionTags;
  /**
   * The request as the interaction log records it, when it differs from what the upstream is sent: a request
   * grounded by retrieval is logged as the client sent it, without the retrieved text (see
   * docs/decisions/2026-12-04-retrieval-surfaces-and-log-redaction.md).
   */
  loggedRequest?: ChatRequest;
}

interface ResultBase {
  interactionId: string;
  /** `providerId/model` of the target that served. */
  target: string;
  /** Upstream attempts made, failed ones included. */
  attempts: number;
}

export type CompleteChatResult =
  | (ResultBase & { kind: 'completion'; completion: ChatCompletion })
  | (ResultBase & {
      kind: 'stream';
      /** Yields the first chunk (already received) and the rest; throws once if the stream is cut. */
      chunks: AsyncIterable<ChatCompletionChunk>;
    });

interface ChatRequestContext {
  input: CompleteChatInput;
  record: InteractionRecord;
  route: Route;
  version: RouteTableVersion;
  reservation: LimitReservation;
}

/**
 * The chat-completions use case: authorize the model, reserve limits, try the route's targets (retries,
 * fallbacks, breakers, timeouts), settle limits to the real usage and hand exactly one interaction record to the
 * sink. For streams it returns once the first chunk has arrived, so that every retry happens before the first
 * byte reaches the client.
 * @example const completeChat = makeCompleteChat(deps);
 * const result = await completeChat({ caller, request, endUser: null, signal: reply.signal });
 */
export function makeCompleteChat(deps: CompleteChatDeps) {
  const reservationDeps = {
    ledger: deps.ledger,
    limits: deps.limits,
    clock: deps.clock,
    onBackgroundError: deps.onBackgroundError,
  };

  function finishRecord(record: InteractionRecord): void {
    record.latencyMs = deps.clock.now() - record.startedAt;
    handOverInteraction(deps.sink, record, deps.onBackgroundError);
  }

  function countUsage(request: ChatRequest, generatedText: string): Usage {
    const promptTokens = deps.tokenCounter.countChat(request.messages);
    const completionTokens = deps.tokenCounter.countText(generatedText);
    return {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };
  }

  function recordUsage(record: InteractionRecord, usage: Usage, target: Target): number {
    record.promptTokens = usage.prompt_tokens;
    record.completionTokens = usage.completion_tokens;
    record.totalTokens = usage.total_tokens;
    record.costUsd = computeCostUsd(usage, findPrice(deps.prices, target));
    return record.costUsd;
  }

  function callOptions(context: ChatRequestContext, signal: AbortSignal): ProviderCallOptions {
    return { signal, headers: upstreamHeaders(context.input.headers, context.record) };
  }

  async function completeOnce(
    context: ChatRequestContext,
    target: Target,
    provider: ModelProvider,
  ): Promise<AttemptSuccess<ChatCompletion>> {
    const attempt = new AttemptSignal(context.input.signal);
    const { totalMs } = context.route.timeouts;
    attempt.deadline(totalMs, `${targetName(target)} did not answer within ${totalMs} ms`);
    try {
      const request = { ...context.input.request, model: target.model };
      const completion = await attempt.race(provider.complete(request, callOptions(context, attempt.signal)));
      return { value: completion, ttftMs: null };
    } catch (error) {
      const reason = attempt.explain(error);
      attempt.abort(reason);
      throw reason;
    } finally {
      attempt.dispose();
    }
  }

  async function openStream(
    context: ChatRequestContext,
    target: Target,
    provider: ModelProvider,
  ): Promise<AttemptSuccess<OpenedChatStream>> {
    const { input, route } = context;
    const attempt = new AttemptSignal(input.signal);
    const startedAt = deps.clock.now();
    const name = targetName(target);
    attempt.deadline(
      route.timeouts.totalMs,
      `${name} did not finish its stream within ${route.timeouts.totalMs} ms`,
    );
    const liftFirstToken = attempt.deadline(
      route.timeouts.firstTokenMs,
      `${name} sent no first token within ${route.timeouts.firstTokenMs} ms`,
    );
    const request: ChatRequest = { ...input.request, model: target.model };
    // Usage is always asked of the upstream, for accounting; the relay hides it from a client that did not ask.
    if (input.request.stream_options?.include_usage !== true) {
      request.stream_options = { ...input.request.stream_options, include_usage: true };
    }
    const opening = provider.stream(request, callOptions(context, attempt.signal));
    let stream: ChatStream | undefined;
    try {
      stream = await attempt.race(opening);
      const iterator = stream[Symbol.asyncIterator]();
      const first = await attempt.race(iterator.next());
      liftFirstToken();
      return { value: { stream, iterator, first, signal: attempt }, ttftMs: deps.clock.now() - startedAt };
    } catch (error) {
      const reason = attempt.explain(error);
      attempt.abort(reason);
      attempt.dispose();
      // A stream that opens after its deadline passed is closed as soon as it arrives.
      opening
        .then(
          (late) => late.close(),
          () => undefined,
        )
        .catch(deps.onBackgroundError);
      throw reason;
    }
  }

  async function complete(context: ChatRequestContext): Promise<CompleteChatResult> {
    const { input, record, route, version, reservation } = context;
    const result = await runAttempts(deps, {
      route,
      provider: (providerId) => version.provider(providerId),
      signal: input.signal,
      attempts: record.attempts,
      call: (target, provider) => completeOnce(context, target, provider),
    });
    const completion = result.value;
    const usage = completion.usage ?? countUsage(input.request, completionText(completion));
    const costUsd = recordUsage(record, usage, result.target);
    record.status = 'success';
    record.target = targetName(result.target);
    record.response = completion;
    // Not awaited: the answer need not wait for the ledger. Settling never throws, and until it commits the
    // reservation holds the worst case, so a request racing it is judged conservatively.
    void reservation.settle({ tokens: usage.total_tokens, spendMicroUsd: toMicroUsd(costUsd) });
    finishRecord(record);
    return {
      kind: 'completion',
      completion,
      interactionId: record.id,
      target: record.target,
      attempts: record.attempts.length,
    };
  }

  async function stream(context: ChatRequestContext): Promise<CompleteChatResult> {
    const { input, record, route, version } = context;
    const result = await runAttempts(deps, {
      route,
      provider: (providerId) => version.provider(providerId),
      signal: input.signal,
      attempts: record.attempts,
      call: (target, provider) => openStream(context, target, provider),
    });
    const assembly = new ChatStreamAssembly();
    const relay = new ChatStreamRelay({
      opened: result.value,
      assembly,
      forwardUsage: input.request.stream_options?.include_usage === true,
      onEnd: (end) => finishStream(context, { result, assembly, end }),
      onBackgroundError: deps.onBackgroundError,
    });
    return {
      kind: 'stream',
      chunks: relay,
      interactionId: record.id,
      target: targetName(result.target),
      attempts: record.attempts.length,
    };
  }

  async function finishStream(
    context: ChatRequestContext,
    ending: { result: AttemptsResult<OpenedChatStream>; assembly: ChatStreamAssembly; end: StreamEnd },
  ): Promise<void> {
    const { input, record, route, reservation } = context;
    const { result, assembly, end } = ending;
    const now = deps.clock.now();
    const attempt = result.attempt;
    attempt.latencyMs = now - attempt.startedAt;
    record.target = targetName(result.target);
    record.ttftMs = attempt.startedAt + (attempt.ttftMs ?? 0) - record.startedAt;
    record.response = assembly.toCompletion();
    if (end.kind === 'complete') {
      record.status = 'success';
    } else {
      failInteraction(record, end.error, 'incomplete');
      attempt.status = 'error';
      attempt.errorCode = end.error.code;
      attempt.errorMessage = end.error.message;
    }
    const usage = assembly.usage ?? countUsage(input.request, assembly.generatedText());
    const costUsd = recordUsage(record, usage, result.target);
    await reservation.settle({ tokens: usage.total_tokens, spendMicroUsd: toMicroUsd(costUsd) });
    finishRecord(record);
    // Last, so that a failing shared breaker store cannot keep the reservation open or the record back. The
    // breaker counted this attempt's first chunk as a success; a stream cut by the upstream is a failure too.
    if (end.kind === 'failed' && breakerOutcomeOf(classifyAttemptError(end.error)) === 'failure') {
      await deps.breakers.recordFailure(result.target, route.breaker);
    }
  }

  return async function completeChat(input: CompleteChatInput): Promise<CompleteChatResult> {
    const record = newInteractionRecord({
      id: deps.random.id('int'),
      endpoint: 'chat.completions',
      caller: input.caller,
      endUser: input.endUser,
      modelRequested: input.request.model,
      stream: input.request.stream === true,
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
        kind: 'chat',
      });
      const promptTokens = deps.tokenCounter.countChat(input.request.messages);
      const maxOutputTokens =
        (input.request.max_completion_tokens ?? input.request.max_tokens ?? deps.defaultMaxOutputTokens) *
        (input.request.n ?? 1);
      const price = highestPrice(deps.prices, [...route.targets, ...route.contextFallbacks]);
      const worstCost = computeCostUsd(
        { prompt_tokens: promptTokens, completion_tokens: maxOutputTokens },
        price,
      );
      reservation = await reserveLimits(reservationDeps, {
        reservationId: record.id,
        caller: input.caller,
        endUser: input.endUser,
        tokens: promptTokens + maxOutputTokens,
        spendMicroUsd: toMicroUsd(worstCost),
      });
      const context: ChatRequestContext = { input, record, route, version, reservation };
      // From here a successful stream owns the reservation and the record until it ends.
      return record.stream ? await stream(context) : await complete(context);
    } catch (thrown) {
      const error = toSlipwayError(thrown);
      failInteraction(record, error, 'error');
      await reservation?.fail(record.attempts.length > 0);
      finishRecord(record);
      throw error;
    }
  };
}

function completionText(completion: ChatCompletion): string {
  let text = '';
  for (const choice of completion.choices) {
    const { content, tool_calls: toolCalls } = choice.message;
    if (typeof content === 'string') text += content;
    for (const call of toolCalls ?? []) text += call.function.name + call.function.arguments;
  }
  return text;
}
