import { StringDecoder } from 'node:string_decoder';
import { Pool, type Dispatcher } from 'undici';
import type {
  ChatCompletion,
  ChatRequest,
  EmbeddingInput,
  EmbeddingRequest,
  EmbeddingResponse,
} from '../../../core/chat.js';
import { SlipwayError } from '../../../core/errors.js';
import type { ChatStream, ModelProvider, ProviderCallOptions } from '../../../ports/model-provider.js';
import type { TokenCounter } from '../../../ports/token-counter.js';
import { createOpenAiChatStream } from './openai-chat-stream.js';
import { errorFromTransport, errorFromUpstreamResponse } from './upstream-error.js';

/** Options of {@link createOpenAiCompatibleProvider}. */
export interface OpenAiCompatibleProviderOptions {
  /** The provider id from configuration. */
  id: string;
  /** Where `/chat/completions` lives, path prefix included: `https://api.openai.com/v1`. */
  baseUrl: string;
  apiKey?: string;
  /** Sent with every request (after the auth header, so they may replace it). */
  headers?: Record<string, string>;
  /** Most sockets kept open to the upstream; unlimited when absent. */
  connections?: number;
  /** Counts usage the upstream leaves out. */
  tokenCounter: TokenCounter;
  /** Azure OpenAI: sent as `?api-version=`, and the key goes in `api-key` instead of `Authorization`. */
  apiVersion?: string;
}

/** Error bodies are read only this far: enough for any real message, bounded against a misbehaving upstream. */
const ERROR_BODY_LIMIT = 32 * 1024;

type ResponseData = Dispatcher.ResponseData;

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const lowered: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lowered[name.toLowerCase()] = value;
  return lowered;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readErrorText(body: ResponseData['body']): Promise<string> {
  const decoder = new StringDecoder('utf8');
  let text = '';
  for await (const bytes of body as AsyncIterable<Buffer>) {
    text += decoder.write(bytes);
    // Leaving the loop destroys the body: an oversized error page is not worth keeping the socket for.
    if (text.length >= ERROR_BODY_LIMIT) return text;
  }
  return text + decoder.end();
}

function countEmbeddingInput(input: EmbeddingInput, tokenCounter: TokenCounter): number {
  if (typeof input === 'string') return tokenCounter.countText(input);
  let tokens = 0;
  for (const item of input) {
    if (typeof item === 'string') tokens += tokenCounter.countText(item);
    else if (typeof item === 'number') tokens += 1;
    else tokens += item.length;
  }
  return tokens;
}

function countCompletionTokens(completion: ChatCompletion, tokenCounter: TokenCounter): number {
  let tokens = 0;
  for (const choice of completion.choices) {
    const message = choice.message;
    if (!message) continue;
    if (typeof message.content === 'string') tokens += tokenCounter.countText(message.content);
    for (const call of message.tool_calls ?? []) {
      tokens += tokenCounter.countText(call.function.name) + tokenCounter.countText(call.function.arguments);
    }
  }
  return tokens;
}

/**
 * A ModelProvider for any server speaking OpenAI's HTTP API (OpenAI, Azure OpenAI, vLLM, Ollama, LiteLLM, …).
 * It sits on the hot path: one undici Pool with keep-alive per upstream origin, request bodies serialised once,
 * unknown request fields passed through untouched.
 * @example
 * const openai = createOpenAiCompatibleProvider({
 *   id: 'openai', baseUrl: 'https://api.openai.com/v1', apiKey, tokenCounter: createTokenCounter(),
 * });
 */
export function createOpenAiCompatibleProvider(options: OpenAiCompatibleProviderOptions): ModelProvider {
  const { id, tokenCounter, apiKey, apiVersion } = options;
  let url: URL;
  try {
    url = new URL(options.baseUrl);
  } catch (error) {
    throw new SlipwayError('invalid_request', `Provider ${id}: invalid baseUrl ${options.baseUrl}`, {
      cause: error,
      param: 'baseUrl',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SlipwayError('invalid_request', `Provider ${id}: baseUrl must be http or https`, {
      param: 'baseUrl',
    });
  }
  const search = new URLSearchParams(url.search);
  if (apiVersion !== undefined) search.set('api-version', apiVersion);
  const query = search.size > 0 ? `?${search.toString()}` : '';
  const prefix = url.pathname.replace(/\/+$/, '');
  const paths = Object.freeze({
    chat: `${prefix}/chat/completions${query}`,
    embeddings: `${prefix}/embeddings${query}`,
    models: `${prefix}/models${query}`,
  });

  const authHeaders: Record<string, string> = {};
  if (apiKey !== undefined && apiKey !== '') {
    if (apiVersion !== undefined) authHeaders['api-key'] = apiKey;
    else authHeaders.authorization = `Bearer ${apiKey}`;
  }
  const getHeaders = Object.freeze({ ...authHeaders, ...lowerCaseKeys(options.headers ?? {}) });
  const postHeaders = Object.freeze({ 'content-type': 'application/json', ...getHeaders });

  const pool = new Pool(url.origin, { connections: options.connections ?? null, pipelining: 1 });

  function headersFor(callOptions: ProviderCallOptions): Record<string, string> {
    return callOptions.headers ? { ...postHeaders, ...lowerCaseKeys(callOptions.headers) } : postHeaders;
  }

  async function post(path: string, body: string, callOptions: ProviderCallOptions): Promise<ResponseData> {
    const { signal } = callOptions;
    let response: ResponseData;
    try {
      response = await pool.request({ path, method: 'POST', headers: headersFor(callOptions), body, signal });
    } catch (error) {
      throw errorFromTransport({ providerId: id, error, signal });
    }
    if (response.statusCode >= 200 && response.statusCode < 300) return response;
    let text: string;
    try {
      text = await readErrorText(response.body);
    } catch (error) {
      throw errorFromTransport({ providerId: id, error, signal });
    }
    throw errorFromUpstreamResponse({
      providerId: id,
      status: response.statusCode,
      headers: response.headers,
      body: text,
      now: Date.now(),
    });
  }

  async function readJson(response: ResponseData, signal: AbortSignal): Promise<Record<string, unknown>> {
    let payload: unknown;
    try {
      payload = await response.body.json();
    } catch (error) {
      if (error instanceof SyntaxError && !signal.aborted) {
        throw new SlipwayError('upstream_error', `Upstream ${id} answered with invalid JSON`, {
          cause: error,
          retryable: true,
          upstreamStatus: response.statusCode,
        });
      }
      throw errorFromTransport({ providerId: id, error, signal });
    }
    if (!isRecord(payload)) {
      throw invalidBody('a JSON object', response);
    }
    return payload;
  }

  function invalidBody(what: string, response: ResponseData): SlipwayError {
    return new SlipwayError('upstream_error', `Upstream ${id} answered without ${what}`, {
      retryable: true,
      upstreamStatus: response.statusCode,
    });
  }

  return {
    id,

    async complete(request: ChatRequest, callOptions: ProviderCallOptions): Promise<ChatCompletion> {
      // stream_options is rejected by OpenAI unless streaming, so it goes with the stream flag.
      const payload =
        request.stream === true ? { ...request, stream: false, stream_options: undefined } : request;
      const response = await post(paths.chat, JSON.stringify(payload), callOptions);
      const body = await readJson(response, callOptions.signal);
      if (!Array.isArray(body.choices)) throw invalidBody('choices', response);
      const completion = body as unknown as ChatCompletion;
      if (!completion.usage) {
        const promptTokens = tokenCounter.countChat(request.messages);
        const completionTokens = countCompletionTokens(completion, tokenCounter);
        completion.usage = {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: promptTokens + completionTokens,
        };
      }
      return completion;
    },

    async stream(request: ChatRequest, callOptions: ProviderCallOptions): Promise<ChatStream> {
      const payload = request.stream === true ? request : { ...request, stream: true };
      const response = await post(paths.chat, JSON.stringify(payload), callOptions);
      const contentType = response.headers['content-type'];
      if (typeof contentType === 'string' && contentType.includes('application/json')) {
        const text = await readErrorText(response.body).catch(() => '');
        throw new SlipwayError(
          'upstream_error',
          `Upstream ${id} answered a stream request with JSON instead of events: ${text.slice(0, 200)}`,
          { retryable: true, upstreamStatus: response.statusCode },
        );
      }
      const includeUsage = request.stream_options?.include_usage === true;
      return createOpenAiChatStream({
        providerId: id,
        body: response.body,
        signal: callOptions.signal,
        usage: includeUsage ? { tokenCounter, messages: request.messages } : undefined,
      });
    },

    async embed(request: EmbeddingRequest, callOptions: ProviderCallOptions): Promise<EmbeddingResponse> {
      const response = await post(paths.embeddings, JSON.stringify(request), callOptions);
      const body = await readJson(response, callOptions.signal);
      if (!Array.isArray(body.data)) throw invalidBody('data', response);
      const embeddings = body as unknown as EmbeddingResponse;
      if (!embeddings.usage) {
        const tokens = countEmbeddingInput(request.input, tokenCounter);
        embeddings.usage = { prompt_tokens: tokens, total_tokens: tokens };
      }
      return embeddings;
    },

    async ping(signal: AbortSignal): Promise<void> {
      let response: ResponseData;
      try {
        response = await pool.request({ path: paths.models, method: 'GET', headers: getHeaders, signal });
      } catch (error) {
        const cause = errorFromTransport({ providerId: id, error, signal });
        throw new SlipwayError('upstream_unavailable', cause.message, { cause, retryable: true });
      }
      await response.body.dump().catch(() => undefined);
      if (response.statusCode < 200 || response.statusCode >= 300) {
        const message = `Upstream ${id} answered ${response.statusCode} to GET /models`;
        throw new SlipwayError('upstream_unavailable', message, {
          retryable: true,
          upstreamStatus: response.statusCode,
        });
      }
    },

    async close(): Promise<void> {
      await pool.close();
    },
  };
}
