import type { IncomingHttpHeaders } from 'node:http';
import type { ChatRequest } from '../core/chat.js';
import type { Caller } from '../core/identity.js';
import type { InteractionTags } from '../core/interaction.js';
import type { CompleteChatInput } from '../services/complete-chat.js';
import { principalFactsOf } from './end-user-headers.js';
import type { HttpDeps } from './http-deps.js';
import { parseChatRequest } from './request-schemas.js';
import { parseChatRetrieval } from './vector-store-schemas.js';

/** A chat body ready to serve: what to send, what the client asked, and what the interaction records. */
interface ChatBodyToServe {
  /** The request as the client sent it (after prompt expansion), without `retrieval`. */
  clientRequest: ChatRequest;
  /** What the upstream is sent: the client's request, with retrieved context when it asked for retrieval. */
  request: ChatRequest;
  /** The interaction's tags and, for a grounded request, the request the log keeps. */
  recorded: Pick<CompleteChatInput, 'tags' | 'loggedRequest'>;
  /** Grounded requests are served directly, never through the queue, so retrieved text stays in this process. */
  direct: boolean;
}

/**
 * Parses a chat-completions body and, when it carries Slipway's `retrieval` extension (`{ collection |
 * vector_store_id, k? }`), grounds it for the request's principal (end-user token, or a key allowed to name end
 * users naming one by `user` or header, else anonymous). `retrieval` never reaches the upstream.
 * @example const served = await chatBodyToServe(expanded, { caller, headers: request.headers, deps, signal });
 */
export async function chatBodyToServe(
  expanded: { body: unknown; tags?: InteractionTags },
  context: {
    caller: Caller;
    headers: IncomingHttpHeaders;
    deps: Pick<HttpDeps, 'principals' | 'retrievalSurfaces'>;
    signal: AbortSignal;
  },
): Promise<ChatBodyToServe> {
  const tags = expanded.tags === undefined ? {} : { tags: expanded.tags };
  const body = expanded.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !('retrieval' in body)) {
    const request = parseChatRequest(body);
    return { clientRequest: request, request, recorded: tags, direct: false };
  }
  const { retrieval: retrievalField, ...rest } = body as Record<string, unknown>;
  const clientRequest = parseChatRequest(rest);
  const retrieval = parseChatRetrieval(retrievalField);
  if (retrieval === null) return { clientRequest, request: clientRequest, recorded: tags, direct: false };
  const { caller, deps } = context;
  const principal = await deps.principals.resolvePrincipal(
    principalFactsOf(caller, context.headers, clientRequest.user),
  );
  const grounded = await deps.retrievalSurfaces.groundChat({
    request: clientRequest,
    retrieval,
    principal,
    caller,
    actor: { kind: 'api_key', id: caller.keyId, label: caller.keyId },
    signal: context.signal,
  });
  return {
    clientRequest,
    request: grounded.request,
    recorded: {
      tags: { ...expanded.tags, retrievedDocuments: grounded.retrievedDocuments },
      loggedRequest: grounded.loggedRequest,
    },
    direct: true,
  };
}
