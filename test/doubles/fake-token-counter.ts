import type { ChatMessage } from '../../src/core/chat.js';
import type { TokenCounter } from '../../src/ports/token-counter.js';

/** Counts one token per whitespace-separated word, plus 3 per message and 3 per chat: easy to predict in tests. */
export class FakeTokenCounter implements TokenCounter {
  countText(text: string): number {
    return text.split(/\s+/).filter((word) => word !== '').length;
  }

  countChat(messages: readonly ChatMessage[]): number {
    let tokens = 3;
    for (const message of messages) {
      tokens += 3;
      if (typeof message.content === 'string') tokens += this.countText(message.content);
      else for (const part of message.content ?? []) tokens += this.countText(part.text ?? '');
    }
    return tokens;
  }
}
