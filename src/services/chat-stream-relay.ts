import type { ChatCompletionChunk } from '../core/chat.js';
import type { ChatStreamAssembly } from '../core/chat-stream-assembly.js';
import type { SlipwayError } from '../core/errors.js';
import type { ChatStream } from '../ports/model-provider.js';
import { clientClosedError } from './attempt-signal.js';
import type { AttemptSignal } from './attempt-signal.js';

/** An upstream stream whose first chunk has arrived (or that ended at once). */
export interface OpenedChatStream {
  stream: ChatStream;
  iterator: AsyncIterator<ChatCompletionChunk>;
  first: IteratorResult<ChatCompletionChunk>;
  /** The attempt's signal: its total deadline and the client's abort still apply. */
  signal: AttemptSignal;
}

/** How a relayed stream ended: read to the end, or cut (upstream failure, timeout, client gone). */
export type StreamEnd = { kind: 'complete' } | { kind: 'failed'; error: SlipwayError };

export interface ChatStreamRelayOptions {
  opened: OpenedChatStream;
  /** Receives every chunk read, forwarded or not. */
  assembly: ChatStreamAssembly;
  /** False when the client did not ask `stream_options.include_usage`: usage is then read but not forwarded. */
  forwardUsage: boolean;
  /** Called exactly once, when the stream ends however it ends. */
  onEnd: (end: StreamEnd) => Promise<void>;
  onBackgroundError: (error: unknown) => void;
}

const DONE: IteratorResult<ChatCompletionChunk> = { done: true, value: undefined };

/**
 * The chunks handed to the client after the first one arrived. Once the first chunk is out a failure is no longer
 * retried: the iteration throws the error once (the HTTP layer ends the SSE stream with one error event), then
 * ends. Stopping early (`return()`, as `break` in `for await` does), the client's abort or the total deadline
 * closes the upstream. Whatever happens, `onEnd` runs exactly once, also when nobody iterates at all.
 */
export class ChatStreamRelay
  implements AsyncIterator<ChatCompletionChunk>, AsyncIterable<ChatCompletionChunk>
{
  private readonly buffered: ChatCompletionChunk[] = [];
  private readonly upstreamDone: boolean;
  private ending: Promise<void> | null = null;
  private failure: SlipwayError | null = null;
  private failureDelivered = false;
  private readonly onAbort = (): void => {
    void this.end({ kind: 'failed', error: this.options.opened.signal.explain(undefined) });
  };

  constructor(private readonly options: ChatStreamRelayOptions) {
    const { first, signal } = options.opened;
    this.upstreamDone = first.done === true;
    if (!first.done) this.accept(first.value);
    if (signal.signal.aborted) this.onAbort();
    else signal.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<ChatCompletionChunk>> {
    const buffered = this.buffered.shift();
    if (buffered) return { done: false, value: buffered };
    if (this.ending) return this.afterEnd();
    if (this.upstreamDone) {
      await this.end({ kind: 'complete' });
      return DONE;
    }
    const { iterator, signal } = this.options.opened;
    try {
      for (;;) {
        const result = await signal.race(iterator.next());
        if (result.done) {
          await this.end({ kind: 'complete' });
          return DONE;
        }
        this.accept(result.value);
        const chunk = this.buffered.shift();
        if (chunk) return { done: false, value: chunk };
      }
    } catch (thrown) {
      await this.end({ kind: 'failed', error: signal.explain(thrown) });
      return this.afterEnd();
    }
  }

  /** The consumer stops early: the client went away. */
  async return(): Promise<IteratorResult<ChatCompletionChunk>> {
    this.failureDelivered = true;
    this.buffered.length = 0;
    await this.end({ kind: 'failed', error: clientClosedError() });
    return DONE;
  }

  private accept(chunk: ChatCompletionChunk): void {
    this.options.assembly.add(chunk);
    if (this.options.forwardUsage || !('usage' in chunk)) {
      this.buffered.push(chunk);
      return;
    }
    // The usage was asked for accounting only: the client gets the chunks it would have had without it.
    const { usage, ...rest } = chunk;
    if (usage && rest.choices.length === 0) return;
    this.buffered.push(rest as ChatCompletionChunk);
  }

  private async afterEnd(): Promise<IteratorResult<ChatCompletionChunk>> {
    await this.ending;
    if (this.failure && !this.failureDelivered) {
      this.failureDelivered = true;
      throw this.failure;
    }
    return DONE;
  }

  private end(end: StreamEnd): Promise<void> {
    this.ending ??= this.finish(end);
    return this.ending;
  }

  private async finish(end: StreamEnd): Promise<void> {
    const { signal, stream } = this.options.opened;
    signal.signal.removeEventListener('abort', this.onAbort);
    if (end.kind === 'failed') {
      this.failure = end.error;
      signal.abort(end.error);
    }
    signal.dispose();
    stream.close().catch(this.options.onBackgroundError);
    try {
      await this.options.onEnd(end);
    } catch (error) {
      this.options.onBackgroundError(error);
    }
  }
}
