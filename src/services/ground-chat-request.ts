import type { ChatMessage, ChatRequest } from '../core/chat.js';
import { SlipwayError } from '../core/errors.js';
import type { Caller } from '../core/identity.js';
import {
  type RetrievedDocumentRef,
  renderRetrievalContext,
  withRetrievalContext,
} from '../core/retrieval/retrieval-context.js';
import type { AuditActor } from '../ports/audit-log.js';
import type { ResolvedPrincipal } from './resolve-principal.js';
import type { RetrieveForPrincipal } from './retrieve-for-principal.js';

/** A chat request's `retrieval` extension, parsed: which collection, how many chunks. */
export interface ChatRetrieval {
  collection: string;
  k: number;
}

interface GroundChatInput {
  /** The request as the client sent it, without its `retrieval` field. */
  request: ChatRequest;
  retrieval: ChatRetrieval;
  principal: ResolvedPrincipal;
  caller: Caller;
  actor: AuditActor;
  signal: AbortSignal;
}

interface GroundedChat {
  /** What the upstream is sent: the client's messages with the retrieved context before the last user message. */
  request: ChatRequest;
  /** What the interaction log records: the request as the client sent it, without any retrieved text. */
  loggedRequest: ChatRequest;
  /** References to the chunks used, in rank order; never their text. */
  retrievedDocuments: RetrievedDocumentRef[];
}

export type GroundChatRequest = (input: GroundChatInput) => Promise<GroundedChat>;

function textOfMessage(message: ChatMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .filter((text) => text !== '')
    .join('\n');
}

/** The last user message's text: what retrieval searches for. */
function questionOf(request: ChatRequest): string {
  for (let index = request.messages.length - 1; index >= 0; index -= 1) {
    const message = request.messages[index];
    if (message?.role !== 'user') continue;
    const text = textOfMessage(message).trim();
    if (text !== '') return text;
    break;
  }
  throw new SlipwayError(
    'invalid_request',
    'A request with retrieval needs a last user message with text: it is what the documents are searched for.',
    { param: 'messages' },
  );
}

/**
 * Grounds a chat request in a collection for its principal: searches with the last user message, puts the chunks
 * the principal may read into a system message as fenced, untrusted data, and returns the request to send, the
 * request to log (the client's own, with no retrieved text, so the log never becomes a copy of the documents) and
 * the references of the chunks used. Retrieval failures fail the request (closed), before any model is called.
 * @example const grounded = await ground({ request, retrieval: { collection: 'finance', k: 4 }, principal, caller, actor, signal });
 */
export function makeGroundChatRequest(deps: { retrieve: RetrieveForPrincipal }): GroundChatRequest {
  return async (input) => {
    const found = await deps.retrieve({
      collection: input.retrieval.collection,
      query: questionOf(input.request),
      k: input.retrieval.k,
      principal: input.principal,
      caller: input.caller,
      actor: input.actor,
      surface: 'chat.completions',
      signal: input.signal,
    });
    const context = renderRetrievalContext(found.passages);
    return {
      request: { ...input.request, messages: withRetrievalContext(input.request.messages, context) },
      loggedRequest: input.request,
      retrievedDocuments: found.passages.map((passage) => ({
        collection: found.collection,
        documentId: passage.documentId,
        chunkIndex: passage.chunkIndex,
        score: passage.score,
      })),
    };
  };
}
