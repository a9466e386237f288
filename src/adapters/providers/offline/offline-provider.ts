import { randomUUID } from 'node:crypto';
import type { ChatCompletion, ChatRequest, EmbeddingRequest, EmbeddingResponse } from '../../../core/chat.js';
import { SlipwayError } from '../../../core/errors.js';
import type { ChatStream, ModelProvider, ProviderCallOptions } from '../../../ports/model-provider.js';
import type { TokenCounter } from '../../../ports/token-counter.js';
import { runOfflineChat } from './offline-chat-model.js';
import { createOfflineChatStream } from './offline-chat-stream.js';
import { runOfflineEmbeddings } from './offline-embeddings.js';
import { OFFLINE_CHAT_MODEL, OFFLINE_EMBEDDING_MODEL } from './offline-models.js';

/** Options of {@link createOfflineProvider}. */
export interface OfflineProviderOptions {
  /** The provider id from configuration. */
  id: string;
  tokenCounter: TokenCounter;
}

const SYSTEM_FINGERPRINT = 'fp_offline_extractive_v1';

function abortError(providerId: string, signal: AbortSignal): SlipwayError {
  const reason: unknown = signal.reason;
  if (reason instanceof SlipwayError) return reason;
  return new SlipwayError('timeout', `Provider ${providerId} was aborted`, {
    cause: reason,
    retryable: true,
  });
}

function requireModel(options: { providerId: string; model: unknown; expected: string }): void {
  if (options.model === options.expected) return;
  const other = options.expected === OFFLINE_CHAT_MODEL ? OFFLINE_EMBEDDING_MODEL : OFFLINE_CHAT_MODEL;
  if (options.model === other) {
    throw new SlipwayError(
      'invalid_request',
      `${other} cannot serve this endpoint; use ${options.expected}`,
      {
        param: 'model',
      },
    );
  }
  throw new SlipwayError(
    'not_found',
    `Provider ${options.providerId} has no model named ${String(options.model)}`,
    {
      param: 'model',
    },
  );
}

/**
 * The built-in offline provider: `offline-extractive` (chat, quotes the conversation) and `offline-hashed-ngrams`
 * (embeddings). Deterministic, in-process, no weights or downloads; answers depend on the request only.
 * @example const offline = createOfflineProvider({ id: 'offline', tokenCounter: createTokenCounter() });
 */
export function createOfflineProvider(options: OfflineProviderOptions): ModelProvider {
  const { id, tokenCounter } = options;

  function prepare(request: ChatRequest, signal: AbortSignal) {
    if (signal.aborted) throw abortError(id, signal);
    requireModel({ providerId: id, model: request.model, expected: OFFLINE_CHAT_MODEL });
    const result = runOfflineChat(request, tokenCounter);
    const header = {
      id: `chatcmpl-offline-${randomUUID().replaceAll('-', '')}`,
      created: Math.floor(Date.now() / 1000),
      model: OFFLINE_CHAT_MODEL,
    };
    return { result, header };
  }

  return {
    id,

    async complete(request: ChatRequest, callOptions: ProviderCallOptions): Promise<ChatCompletion> {
      const { result, header } = prepare(request, callOptions.signal);
      return {
        ...header,
        object: 'chat.completion',
        choices: result.choices.map((choice, index) => ({
          index,
          message: {
            role: 'assistant',
            content: choice.content,
            ...(choice.toolCalls ? { tool_calls: choice.toolCalls } : {}),
          },
          logprobs: null,
          finish_reason: choice.finishReason,
        })),
        usage: result.usage,
        system_fingerprint: SYSTEM_FINGERPRINT,
      };
    },

    async stream(request: ChatRequest, callOptions: ProviderCallOptions): Promise<ChatStream> {
      const { signal } = callOptions;
      const { result, header } = prepare(request, signal);
      return createOfflineChatStream({
        result,
        header: { ...header, system_fingerprint: SYSTEM_FINGERPRINT },
        includeUsage: request.stream_options?.include_usage === true,
        signal,
        abortError: () => abortError(id, signal),
      });
    },

    async embed(request: EmbeddingRequest, callOptions: ProviderCallOptions): Promise<EmbeddingResponse> {
      if (callOptions.signal.aborted) throw abortError(id, callOptions.signal);
      requireModel({ providerId: id, model: request.model, expected: OFFLINE_EMBEDDING_MODEL });
      return runOfflineEmbeddings(request, tokenCounter);
    },

    async ping(): Promise<void> {},

    async close(): Promise<void> {},
  };
}
