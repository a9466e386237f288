import { StringDecoder } from 'node:string_decoder';
import type { Dispatcher } from 'undici';
import type { ChatCompletionChunk, ChatMessage } from '../../../core/chat.js';
import { SlipwayError } from '../../../core/errors.js';
import type { ChatStream } from '../../../ports/model-provider.js';
import type { TokenCounter } from '../../../ports/token-counter.js';
import { SseParser, type SseEvent } from './sse-parser.js';
import { errorFromAbort, errorFromStreamPayload } from './upstream-error.js';

/** Options of {@link createOpenAiChatStream}. */
export interface OpenAiChatStreamOptions {
  providerId: string;
  /** The body of a 2xx `text/event-stream` answer. */
  body: Dispatcher.ResponseData['body'];
  signal: AbortSignal;
  /**
   * Set when the request asked `stream_options.include_usage`: if the upstream ends without a usage chunk
   * (some OpenAI-compatible servers ignore the option), one is counted and yielded before the end.
   */
  usage?: { tokenCounter: TokenCounter; messages: readonly ChatMessage[] };
}

const DONE = '[DONE]';

/** After `[DONE]`, at most this much more body is read to keep the connection rather than cut it. */
const TRAILER_LIMIT_BYTES = 64 * 1024;

function noop(): void {}

/**
 * A ChatStream over an OpenAI server-sent event body: yields each `data:` chunk parsed, ends on `[DONE]`.
 * A cut stream, an unparsable chunk or an in-band error throws `upstream_error` (retryable); an abort throws the
 * signal's SlipwayError reason, or `timeout`.
 */
export function createOpenAiChatStream(options: OpenAiChatStreamOptions): ChatStream {
  return new OpenAiChatStream(options);
}

class OpenAiChatStream implements ChatStream {
  private closed = false;
  private done = false;
  private started = false;
  private usageSeen = false;
  private lastChunk: ChatCompletionChunk | undefined;
  private readonly completionText: string[] = [];

  constructor(private readonly options: OpenAiChatStreamOptions) {}

  [Symbol.asyncIterator](): AsyncIterator<ChatCompletionChunk> {
    if (this.started) {
      throw new SlipwayError('internal_error', 'A chat stream can be iterated only once');
    }
    this.started = true;
    return this.read();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // A stream that reached [DONE] keeps its connection for the next request; any other is cut off.
    if (!this.done) this.options.body.destroy();
  }

  private async *read(): AsyncGenerator<ChatCompletionChunk> {
    const { body } = this.options;
    if (this.closed) return;
    const decoder = new StringDecoder('utf8');
    const parser = new SseParser();
    // destroyOnReturn: false, so that leaving the loop on [DONE] does not destroy a reusable connection.
    const bytes = body.iterator({ destroyOnReturn: false }) as AsyncIterator<Buffer>;
    try {
      for (;;) {
        const next = await bytes.next();
        const events = next.done
          ? [...parser.push(decoder.end()), ...parser.end()]
          : parser.push(decoder.write(next.value));
        for (const event of events) {
          const chunk = this.parse(event);
          if (chunk === undefined) continue;
          if (chunk === DONE) {
            this.done = true;
            const usage = this.countMissingUsage();
            if (usage) yield usage;
            await this.drain(bytes);
            return;
          }
          yield chunk;
        }
        if (next.done) break;
      }
    } catch (error) {
      if (this.closed) return;
      throw this.readError(error);
    } finally {
      this.release();
    }
    if (this.closed) return;
    const { providerId, signal } = this.options;
    if (signal.aborted) throw errorFromAbort(providerId, signal);
    throw new SlipwayError('upstream_error', `Upstream ${providerId} ended the stream before [DONE]`, {
      retryable: true,
    });
  }

  private parse(event: SseEvent): ChatCompletionChunk | typeof DONE | undefined {
    const { data } = event;
    if (data === DONE) return DONE;
    // An empty `data:` carries nothing; some servers send it as a keep-alive.
    if (data.length === 0) return undefined;
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch (error) {
      throw new SlipwayError(
        'upstream_error',
        `Upstream ${this.options.providerId} sent an unparsable chunk: ${data.slice(0, 200)}`,
        { cause: error, retryable: true },
      );
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      const message = `Upstream ${this.options.providerId} sent a chunk that is not an object`;
      throw new SlipwayError('upstream_error', message, { retryable: true });
    }
    const record = payload as Record<string, unknown>;
    if (event.event === 'error' || (record.error !== undefined && record.error !== null)) {
      throw errorFromStreamPayload(this.options.providerId, payload);
    }
    const chunk = payload as ChatCompletionChunk;
    if (this.options.usage) this.observe(chunk);
    return chunk;
  }

  private observe(chunk: ChatCompletionChunk): void {
    this.lastChunk = chunk;
    if (chunk.usage) this.usageSeen = true;
    if (!Array.isArray(chunk.choices)) return;
    for (const choice of chunk.choices) {
      const delta = choice.delta;
      if (!delta) continue;
      if (typeof delta.content === 'string') this.completionText.push(delta.content);
      if (!delta.tool_calls) continue;
      for (const call of delta.tool_calls) {
        if (call.function?.name) this.completionText.push(call.function.name);
        if (call.function?.arguments) this.completionText.push(call.function.arguments);
      }
    }
  }

  private countMissingUsage(): ChatCompletionChunk | undefined {
    const { usage } = this.options;
    if (!usage || this.usageSeen || !this.lastChunk) return undefined;
    const promptTokens = usage.tokenCounter.countChat(usage.messages);
    const completionTokens = usage.tokenCounter.countText(this.completionText.join(''));
    const { id, created, model } = this.lastChunk;
    return {
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    };
  }

  private readError(error: unknown): SlipwayError {
    const { providerId, signal } = this.options;
    if (signal.aborted) return errorFromAbort(providerId, signal);
    if (error instanceof SlipwayError) return error;
    const reason = error instanceof Error ? error.message : String(error);
    return new SlipwayError('upstream_error', `Upstream ${providerId} cut the stream: ${reason}`, {
      cause: error,
      retryable: true,
    });
  }

  /**
   * Reads what follows [DONE] (normally only the chunked-encoding terminator) so that the connection is free
   * for the next request when the iteration ends; a body that goes on is cut off.
   */
  private async drain(bytes: AsyncIterator<Buffer>): Promise<void> {
    let budget = TRAILER_LIMIT_BYTES;
    try {
      for (;;) {
        const next = await bytes.next();
        if (next.done) return;
        budget -= next.value.length;
        if (budget < 0) {
          this.options.body.destroy();
          return;
        }
      }
    } catch {
      // The answer was complete at [DONE]; a failure after it changes nothing for the caller.
    }
  }

  private release(): void {
    const { body } = this.options;
    if (!this.done) {
      body.destroy();
      return;
    }
    if (!body.readableEnded) body.dump({ limit: TRAILER_LIMIT_BYTES }).catch(noop);
  }
}
