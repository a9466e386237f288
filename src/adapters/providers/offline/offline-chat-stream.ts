import type { ChatCompletionChunk, ChunkChoice } from '../../../core/chat.js';
import type { ChatStream } from '../../../ports/model-provider.js';
import type { OfflineChatResult } from './offline-chat-model.js';

/** Options of {@link createOfflineChatStream}. */
export interface OfflineChatStreamOptions {
  result: OfflineChatResult;
  /** The id, created time and model every chunk repeats. */
  header: Pick<ChatCompletionChunk, 'id' | 'created' | 'model'> & { system_fingerprint?: string };
  includeUsage: boolean;
  signal: AbortSignal;
  /** The error to throw when the signal aborts mid-stream. */
  abortError: () => Error;
}

function* chunksOf(options: OfflineChatStreamOptions): Generator<ChatCompletionChunk> {
  const { result, header, includeUsage } = options;
  // OpenAI repeats `usage: null` on every chunk when usage was asked for, and only then.
  const usageField = includeUsage ? { usage: null } : {};
  const chunk = (choice: ChunkChoice): ChatCompletionChunk => ({
    ...header,
    object: 'chat.completion.chunk',
    choices: [choice],
    ...usageField,
  });
  for (const [index, choice] of result.choices.entries()) {
    if (choice.toolCalls) {
      const [call] = choice.toolCalls;
      if (call) {
        yield chunk({
          index,
          delta: {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                index: 0,
                id: call.id,
                type: 'function',
                function: { name: call.function.name, arguments: '' },
              },
            ],
          },
          finish_reason: null,
        });
        yield chunk({
          index,
          // Later deltas of a tool call carry only argument text; the core type wants a name it does not need.
          delta: {
            tool_calls: [{ index: 0, function: { arguments: call.function.arguments } }],
          },
          finish_reason: null,
        });
      }
    } else {
      yield chunk({ index, delta: { role: 'assistant', content: '' }, finish_reason: null });
      for (const piece of choice.pieces)
        yield chunk({ index, delta: { content: piece }, finish_reason: null });
    }
    yield chunk({ index, delta: {}, finish_reason: choice.finishReason });
  }
  if (includeUsage) {
    yield { ...header, object: 'chat.completion.chunk', choices: [], usage: result.usage };
  }
}

/** A ChatStream over an answer computed up front: word-sized chunks, then the finish and usage chunks. */
export function createOfflineChatStream(options: OfflineChatStreamOptions): ChatStream {
  let closed = false;
  return {
    async *[Symbol.asyncIterator]() {
      for (const chunk of chunksOf(options)) {
        if (closed) return;
        if (options.signal.aborted) throw options.abortError();
        yield chunk;
      }
    },
    async close() {
      closed = true;
    },
  };
}
