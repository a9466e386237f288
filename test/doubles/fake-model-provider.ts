import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatRequest,
  EmbeddingRequest,
  EmbeddingResponse,
  Usage,
} from '../../src/core/chat.js';
import { SlipwayError } from '../../src/core/errors.js';
import type { ChatStream, ModelProvider, ProviderCallOptions } from '../../src/ports/model-provider.js';

/** What the next call to the fake does. */
export type ProviderOutcome =
  | { kind: 'complete'; completion: ChatCompletion }
  | { kind: 'embed'; response: EmbeddingResponse }
  | { kind: 'fail'; error: SlipwayError }
  /** The call never answers; it rejects when its signal aborts. */
  | { kind: 'hang' }
  | {
      kind: 'stream';
      chunks: ChatCompletionChunk[];
      /** Sent as a last chunk only when the request asked `stream_options.include_usage`, as real upstreams do. */
      usage?: Usage;
      /** After the chunks: end normally (default), hang until aborted, or throw this error. */
      then?: 'end' | 'hang' | SlipwayError;
    };

export interface ProviderCall {
  method: 'complete' | 'stream' | 'embed';
  request: ChatRequest | EmbeddingRequest;
  signal: AbortSignal;
  headers: Record<string, string> | undefined;
  /** For streams: whether `close()` was called and how many chunks were read. */
  stream?: { closed: boolean; chunksSent: number };
}

/** A ModelProvider that plays a script of outcomes, one per call, and records every call. */
export class FakeModelProvider implements ModelProvider {
  readonly calls: ProviderCall[] = [];
  private readonly outcomes: ProviderOutcome[] = [];

  constructor(readonly id: string) {}

  /** Appends outcomes to the script. */
  script(...outcomes: ProviderOutcome[]): this {
    this.outcomes.push(...outcomes);
    return this;
  }

  /** Outcomes not consumed yet. */
  get pending(): number {
    return this.outcomes.length;
  }

  async complete(request: ChatRequest, options: ProviderCallOptions): Promise<ChatCompletion> {
    const outcome = this.next({
      method: 'complete',
      request,
      signal: options.signal,
      headers: options.headers,
    });
    if (outcome.kind === 'complete') return structuredClone(outcome.completion);
    return this.settleOther(outcome, options.signal);
  }

  async stream(request: ChatRequest, options: ProviderCallOptions): Promise<ChatStream> {
    const call: ProviderCall = {
      method: 'stream',
      request,
      signal: options.signal,
      headers: options.headers,
    };
    const outcome = this.next(call);
    if (outcome.kind !== 'stream') return this.settleOther(outcome, options.signal);
    const state = { closed: false, chunksSent: 0 };
    call.stream = state;
    const withUsage = request.stream_options?.include_usage === true && outcome.usage !== undefined;
    const chunks = withUsage
      ? [...outcome.chunks, { ...usageChunk(outcome.usage as Usage, outcome.chunks[0]) }]
      : outcome.chunks;
    const signal = options.signal;
    async function* iterate(): AsyncGenerator<ChatCompletionChunk> {
      for (const chunk of chunks) {
        await Promise.resolve();
        if (state.closed) return;
        if (signal.aborted) throw abortError(signal);
        state.chunksSent += 1;
        yield structuredClone(chunk);
      }
      const then = outcome.kind === 'stream' ? (outcome.then ?? 'end') : 'end';
      if (then === 'hang') await rejectOnAbort(signal);
      if (then instanceof SlipwayError) throw then;
    }
    const iterable = iterate();
    return {
      [Symbol.asyncIterator]: () => iterable,
      close: async () => {
        state.closed = true;
      },
    };
  }

  async embed(request: EmbeddingRequest, options: ProviderCallOptions): Promise<EmbeddingResponse> {
    const outcome = this.next({ method: 'embed', request, signal: options.signal, headers: options.headers });
    if (outcome.kind === 'embed') return structuredClone(outcome.response);
    return this.settleOther(outcome, options.signal);
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}

  private next(call: ProviderCall): ProviderOutcome {
    this.calls.push(call);
    const outcome = this.outcomes.shift();
    if (outcome === undefined)
      throw new Error(`FakeModelProvider ${this.id}: no outcome scripted for call ${this.calls.length}`);
    return outcome;
  }

  private async settleOther(outcome: ProviderOutcome, signal: AbortSignal): Promise<never> {
    switch (outcome.kind) {
      case 'fail':
        throw outcome.error;
      case 'hang':
        return rejectOnAbort(signal);
      case 'complete':
      case 'embed':
      case 'stream':
        throw new Error(`FakeModelProvider: outcome ${outcome.kind} does not fit this call`);
    }
  }
}

/** A completion whose single choice says `content`. */
export function completionOf(
  content: string,
  options: { model?: string; usage?: Usage } = {},
): ChatCompletion {
  return {
    id: 'chatcmpl-upstream',
    object: 'chat.completion',
    created: 1_736_942_400,
    model: options.model ?? 'upstream-model',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: options.usage ?? { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
  };
}

/** Stream chunks: a role chunk carrying the first piece, then one chunk per further piece, then a stop chunk. */
export function chunksOf(pieces: readonly string[], options: { model?: string } = {}): ChatCompletionChunk[] {
  const model = options.model ?? 'upstream-model';
  const chunk = (delta: ChatCompletionChunk['choices'][number]['delta'], finish: 'stop' | null) => ({
    id: 'chatcmpl-upstream',
    object: 'chat.completion.chunk' as const,
    created: 1_736_942_400,
    model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  return [
    ...pieces.map((content, index) =>
      chunk(index === 0 ? { role: 'assistant', content } : { content }, null),
    ),
    chunk({}, 'stop'),
  ];
}

/** An embeddings response with one vector per input. */
export function embeddingsOf(
  count: number,
  options: { model?: string; promptTokens?: number } = {},
): EmbeddingResponse {
  const promptTokens = options.promptTokens ?? 4;
  return {
    object: 'list',
    data: Array.from({ length: count }, (_, index) => ({
      object: 'embedding' as const,
      index,
      embedding: [0.1, 0.2, 0.3],
    })),
    model: options.model ?? 'upstream-embedder',
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

function usageChunk(usage: Usage, first: ChatCompletionChunk | undefined): ChatCompletionChunk {
  return {
    id: first?.id ?? 'chatcmpl-upstream',
    object: 'chat.completion.chunk',
    created: first?.created ?? 0,
    model: first?.model ?? 'upstream-model',
    choices: [],
    usage,
  };
}

function abortError(signal: AbortSignal): SlipwayError {
  return signal.reason instanceof SlipwayError
    ? signal.reason
    : new SlipwayError('timeout', 'The upstream call was aborted', { retryable: true });
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(abortError(signal));
    else signal.addEventListener('abort', () => reject(abortError(signal)), { once: true });
  });
}
