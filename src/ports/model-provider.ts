import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatRequest,
  EmbeddingRequest,
  EmbeddingResponse,
} from '../core/chat.js';

export interface ProviderCallOptions {
  /** Aborting it cancels the upstream request and any stream in progress. */
  signal: AbortSignal;
  /** Extra headers to forward to the upstream (e.g. a trace header). */
  headers?: Record<string, string>;
}

/** A stream whose upstream has answered with success; chunks follow. */
export interface ChatStream extends AsyncIterable<ChatCompletionChunk> {
  /** Stops reading and releases the upstream connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * One configured upstream that serves chat completions and embeddings.
 *
 * Contract:
 * - `request.model` is the upstream's model name (the route has already been resolved).
 * - Failures throw `SlipwayError`: `rate_limited` (429, with `retryAfterMs` from Retry-After / retry-after-ms),
 *   `upstream_unavailable` (connection refused/reset, 502/503/504), `upstream_error` (other 5xx, invalid body),
 *   `timeout` (aborted by the signal's timeout), `context_length_exceeded` (the prompt does not fit),
 *   `invalid_request` / `unauthorized` / `forbidden` / `not_found` for 400/401/403/404 (never retryable).
 *   `retryable` is true exactly for 429, 5xx, connection errors and timeouts. `upstreamStatus` is set when the
 *   upstream answered.
 * - `stream` resolves only after the upstream accepted the request (status 2xx); iterating then yields chunks
 *   and ends after `[DONE]`. A stream cut before `[DONE]`, an unparsable chunk or an in-band error object makes
 *   the iteration throw a `SlipwayError` (`upstream_error`, retryable).
 * - Usage: `complete` always returns `usage` (counted with a tokenizer when the upstream omits it); a stream
 *   yields a final chunk with `usage` when the request asked `stream_options.include_usage`.
 *
 * @example const completion = await provider.complete({ model: 'gpt-4o-mini', messages }, { signal });
 */
export interface ModelProvider {
  /** The provider id from configuration (`openai`, `offline`, …). */
  readonly id: string;
  complete(request: ChatRequest, options: ProviderCallOptions): Promise<ChatCompletion>;
  stream(request: ChatRequest, options: ProviderCallOptions): Promise<ChatStream>;
  embed(request: EmbeddingRequest, options: ProviderCallOptions): Promise<EmbeddingResponse>;
  /** Resolves when the provider can take requests; throws `upstream_unavailable` otherwise. */
  ping(signal: AbortSignal): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}
