import type { ChatMessage, ChatRole } from '../../../core/chat.js';
import { SentenceIndex, type ScoredPassage } from './sentence-index.js';
import { termsOf, textOf } from './text-analysis.js';

/** What the offline model found in a conversation for its last user message. */
export interface ExtractiveAnswer {
  /** The last user message, or undefined when the conversation has none. */
  question: string | undefined;
  /** The sentences quoted as the answer, best first; empty when nothing matched. */
  passages: ScoredPassage[];
  /** The best sentence for some words (a JSON property's name, a tool parameter), else for the question. */
  find(hint: string): ScoredPassage | undefined;
}

const CONTEXT_ROLES: ReadonlySet<ChatRole> = new Set([
  'system',
  'developer',
  'user',
  'assistant',
  'tool',
  'function',
]);
const ANSWER_SENTENCES = 3;
// Sentences far weaker than the best one share only a common word with the question: they would add noise.
const RELATIVE_FLOOR = 0.35;

const NO_QUESTION_MESSAGE =
  'I am the offline extractive model (no neural network): I answer the last user message by quoting this ' +
  'conversation, and there is no user message to answer.';
const NOTHING_FOUND_MESSAGE =
  'I am the offline extractive model (no neural network): I can only quote sentences from this conversation, ' +
  'and none of them matches your question.';

/**
 * Scores every sentence of the other messages (system, developer, earlier turns, tool results) against the
 * last user message and keeps the best few.
 * @example extractAnswer(request.messages).passages[0]?.text
 */
export function extractAnswer(messages: readonly ChatMessage[]): ExtractiveAnswer {
  let questionIndex = -1;
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    if (messages[index]?.role === 'user') {
      questionIndex = index;
      break;
    }
  }
  const questionMessage = messages[questionIndex];
  const question = questionMessage ? textOf(questionMessage) : undefined;
  const index = new SentenceIndex(
    messages,
    (position) => position !== questionIndex && CONTEXT_ROLES.has(messages[position]?.role ?? 'user'),
  );
  const questionTerms = question === undefined ? [] : termsOf(question);
  return {
    question,
    passages: index.search(questionTerms, { limit: ANSWER_SENTENCES, relativeFloor: RELATIVE_FLOOR }),
    // Among sentences that mention the hint ("weight_kg" → the one about kilograms), the one that also best
    // matches the question; when none mentions it, the best match for the question.
    find: (hint) => {
      const hintTerms = termsOf(hint);
      const single = { limit: 1, relativeFloor: 1 };
      return (
        index.search([...questionTerms, ...hintTerms], { ...single, requireAnyOf: hintTerms })[0] ??
        index.search(questionTerms, single)[0]
      );
    },
  };
}

function describeSource(passage: ScoredPassage): string {
  const message = `messages[${passage.messageIndex}] (${passage.role})`;
  const { document } = passage;
  return document ? `${document.id}, chunk ${document.chunkIndex}, in ${message}` : message;
}

/** The plain-text answer: the quoted sentences with [n] markers, then where each came from. */
export function renderTextAnswer(answer: ExtractiveAnswer): string {
  if (answer.question === undefined) return NO_QUESTION_MESSAGE;
  if (answer.passages.length === 0) return NOTHING_FOUND_MESSAGE;
  const quoted = answer.passages.map((passage, position) => `${passage.text} [${position + 1}]`).join(' ');
  const sources = answer.passages.map((passage, position) => `[${position + 1}] ${describeSource(passage)}`);
  return `${quoted}\n\nSources:\n${sources.join('\n')}`;
}

/** The quoted sentences as one string, or the honest "nothing found" message. */
function answerSummary(answer: ExtractiveAnswer): string {
  if (answer.question === undefined) return NO_QUESTION_MESSAGE;
  if (answer.passages.length === 0) return NOTHING_FOUND_MESSAGE;
  return answer.passages.map((passage) => passage.text).join(' ');
}

/** The answer as the JSON object `response_format: json_object` gets. */
export function renderJsonAnswer(answer: ExtractiveAnswer): string {
  return JSON.stringify({
    answer: answerSummary(answer),
    sources: answer.passages.map((passage, position) => ({
      citation: position + 1,
      message: passage.messageIndex,
      role: passage.role,
      ...(passage.document && { document: passage.document.id, chunk: passage.document.chunkIndex }),
      text: passage.text,
    })),
  });
}
