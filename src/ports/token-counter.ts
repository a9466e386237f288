import type { ChatMessage } from '../core/chat.js';

/** Counts tokens the way OpenAI's models do (o200k/cl100k), for usage the upstream omits and for budgets. */
export interface TokenCounter {
  /** Tokens of a plain text. */
  countText(text: string): number;
  /** Prompt tokens of a chat, message overhead included, as OpenAI bills them. */
  countChat(messages: readonly ChatMessage[]): number;
}
