import type { InteractionRecord } from './interaction.js';
import { searchTokens } from './search-tokens.js';

/** At most this many characters of searchable text per interaction, so one huge request cannot bloat the index. */
export const MAX_SEARCH_TEXT_LENGTH = 32_768;
/** The response's share is taken first, so that a long prompt (a RAG context, say) cannot crowd the answer out. */
const RESPONSE_SHARE = 12_288;

/**
 * The searchable text of an interaction: the words of its (already redacted) request and response, as
 * `searchTokens` gives them, joined by single spaces and cut at a word boundary to `MAX_SEARCH_TEXT_LENGTH`
 * characters. Covered: message contents (strings, or the text of content parts), tool-call names and
 * arguments, the response's message content (the assembled text, for streams) and tool calls, embeddings
 * input. Other fields (model names, settings, ids) are not searched: filters cover those.
 * @example interactionSearchText(record) // 'hello world how are you'
 */
export function interactionSearchText(record: Pick<InteractionRecord, 'request' | 'response'>): string {
  const response = boundedWords(responseTexts(record.response), RESPONSE_SHARE);
  const request = boundedWords(
    requestTexts(record.request),
    MAX_SEARCH_TEXT_LENGTH - response.length - (response.length > 0 ? 1 : 0),
  );
  return [request, response].filter((part) => part.length > 0).join(' ');
}

function boundedWords(texts: Iterable<string>, budget: number): string {
  const words: string[] = [];
  let length = -1;
  for (const text of texts) {
    for (const token of searchTokens(text)) {
      if (length + 1 + token.length > budget) return words.join(' ');
      words.push(token);
      length += 1 + token.length;
    }
  }
  return words.join(' ');
}

function* requestTexts(request: unknown): Generator<string> {
  if (!isObject(request)) return;
  if (Array.isArray(request['messages'])) {
    for (const message of request['messages']) yield* messageTexts(message);
  }
  const input = request['input'];
  if (typeof input === 'string') yield input;
  else if (Array.isArray(input)) for (const item of input) if (typeof item === 'string') yield item;
}

function* responseTexts(response: unknown): Generator<string> {
  if (!isObject(response) || !Array.isArray(response['choices'])) return;
  for (const choice of response['choices']) if (isObject(choice)) yield* messageTexts(choice['message']);
}

function* messageTexts(message: unknown): Generator<string> {
  if (!isObject(message)) return;
  const content = message['content'];
  if (typeof content === 'string') yield content;
  else if (Array.isArray(content)) {
    for (const part of content) if (isObject(part) && typeof part['text'] === 'string') yield part['text'];
  }
  if (Array.isArray(message['tool_calls'])) {
    for (const call of message['tool_calls']) {
      const called = isObject(call) ? call['function'] : undefined;
      if (!isObject(called)) continue;
      if (typeof called['name'] === 'string') yield called['name'];
      if (typeof called['arguments'] === 'string') yield called['arguments'];
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
