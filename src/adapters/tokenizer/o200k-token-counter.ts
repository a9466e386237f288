import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type { ChatMessage, ContentPart } from '../../core/chat.js';
import type { TokenCounter } from '../../ports/token-counter.js';

// OpenAI's cookbook counting for the gpt-4o family: every message is wrapped in 3 tokens of framing, a `name`
// costs 1 more, and the reply is primed with 3 tokens (`<|start|>assistant<|message|>`).
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const TOKENS_FOR_REPLY_PRIMING = 3;

// Client text is counted as plain text: a prompt that contains `<|endoftext|>` is billed as the characters it
// is, and must not make the counter throw the way the encoder does by default for special tokens.
const PLAIN_TEXT = Object.freeze({ disallowedSpecial: new Set<string>() });

// A chat sends its whole history on every turn, so the same message texts are counted again and again; their
// counts are remembered. Bounded in entries and in the length of texts kept, and emptied when full (a simple
// policy whose worst case is counting again, never a wrong count).
const CACHE_ENTRIES = 20_000;
const CACHED_TEXT_MAX_LENGTH = 32_768;
const counted = new Map<string, number>();

function countPlain(text: string): number {
  if (text.length === 0) return 0;
  const known = counted.get(text);
  if (known !== undefined) return known;
  const tokens = countTokens(text, PLAIN_TEXT);
  if (text.length <= CACHED_TEXT_MAX_LENGTH) {
    if (counted.size >= CACHE_ENTRIES) counted.clear();
    counted.set(text, tokens);
  }
  return tokens;
}

function countContent(content: ChatMessage['content']): number {
  if (typeof content === 'string') return countPlain(content);
  if (!Array.isArray(content)) return 0;
  let tokens = 0;
  for (const part of content as ContentPart[]) {
    if (typeof part.text === 'string') tokens += countPlain(part.text);
  }
  return tokens;
}

function countMessage(message: ChatMessage): number {
  let tokens = TOKENS_PER_MESSAGE + countPlain(message.role) + countContent(message.content);
  if (typeof message.name === 'string') tokens += countPlain(message.name) + TOKENS_PER_NAME;
  if (message.tool_calls) {
    for (const call of message.tool_calls) {
      tokens += countPlain(call.function.name) + countPlain(call.function.arguments);
    }
  }
  if (typeof message.tool_call_id === 'string') tokens += countPlain(message.tool_call_id);
  return tokens;
}

/**
 * A TokenCounter on the o200k_base encoding (gpt-4o, gpt-4.1, o-series). Only that encoding is imported, so
 * only its ranks are loaded.
 * @example const tokens = createTokenCounter().countChat([{ role: 'user', content: 'Hello' }]);
 */
export function createTokenCounter(): TokenCounter {
  return {
    countText: countPlain,
    countChat(messages) {
      let tokens = TOKENS_FOR_REPLY_PRIMING;
      for (const message of messages) tokens += countMessage(message);
      return tokens;
    },
  };
}
