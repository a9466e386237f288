import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SlipwayError } from '../../core/errors.js';
import { authorize } from '../../services/authenticate-caller.js';
import { bearerTokenOf } from '../bearer-token.js';
import { expandChatBody } from '../chat-prompt-body.js';
import { chatBodyToServe } from '../chat-retrieval-body.js';
import type { CompleteChatResult } from '../../services/complete-chat.js';
import type { HttpDeps } from '../http-deps.js';
import { toOpenAiError } from '../openai-error.js';
import { parseEmbeddingRequest } from '../request-schemas.js';
import { SseWriter } from '../sse-writer.js';

const END_USER_HEADER = 'x-slipway-end-user';
const FORWARDED_HEADERS = ['tracestate'] as const;

function traceparentOf(request: FastifyRequest): { traceparent?: string } {
  const value = request.headers.traceparent;
  return typeof value === 'string' ? { traceparent: value } : {};
}

function endUserOf(request: FastifyRequest, bodyUser: string | undefined): string | null {
  const header = request.headers[END_USER_HEADER];
  if (typeof header === 'string' && header !== '') return header;
  return bodyUser ?? null;
}

function forwardedHeadersOf(request: FastifyRequest): Record<string, string> | undefined {
  let headers: Record<string, string> | undefined;
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') (headers ??= {})[name] = value;
  }
  return headers;
}

/** Aborts when the client goes away before the response is complete. */
function clientAbortSignal(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) {
      controller.abort(new SlipwayError('client_closed', 'The client closed the connection.'));
    }
  });
  request.raw.on('aborted', () => controller.abort(new SlipwayError('client_closed', 'The client aborted.')));
  return controller.signal;
}

function servedHeaders(outcome: {
  interactionId: string;
  target: string;
  attempts: number;
}): Record<string, string> {
  return {
    'x-slipway-interaction-id': outcome.interactionId,
    'x-slipway-target': outcome.target,
    'x-slipway-attempts': String(outcome.attempts),
  };
}

async function streamChat(
  reply: FastifyReply,
  outcome: Extract<CompleteChatResult, { kind: 'stream' }>,
  deps: HttpDeps,
): Promise<void> {
  reply.hijack();
  const writer = new SseWriter(reply.raw);
  writer.open(servedHeaders(outcome));
  const iterator = outcome.chunks[Symbol.asyncIterator]();
  const stopOnClose = () => void iterator.return?.();
  reply.raw.once('close', stopOnClose);
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      await writer.data(next.value);
    }
    writer.done();
  } catch (error) {
    const { body, error: slipwayError } = toOpenAiError(error);
    if (slipwayError.code === 'internal_error') deps.logError('stream failed', error);
    writer.fail(body);
  } finally {
    reply.raw.off('close', stopOnClose);
  }
}

/** The OpenAI-compatible `/v1` API. */
export function registerGatewayRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.post('/v1/chat/completions', async (request, reply) => {
    const caller = await deps.authenticate(bearerTokenOf(request.headers));
    authorize(caller, 'gateway');
    const expanded = await expandChatBody(request.body, deps.prompts.expandReference);
    const signal = clientAbortSignal(request, reply);
    const served = await chatBodyToServe(expanded, { caller, headers: request.headers, deps, signal });
    const chatRequest = served.clientRequest;
    const headers = forwardedHeadersOf(request);
    const outcome = await (served.direct ? deps.completeChat : deps.dispatchChat)({
      ...served.recorded,
      caller,
      request: served.request,
      endUser: endUserOf(request, chatRequest.user),
      signal,
      ...traceparentOf(request),
      ...(headers ? { headers } : {}),
    });
    if (outcome.kind === 'stream') return streamChat(reply, outcome, deps);
    return reply.headers(servedHeaders(outcome)).send(outcome.completion);
  });

  app.post('/v1/embeddings', async (request, reply) => {
    const caller = await deps.authenticate(bearerTokenOf(request.headers));
    authorize(caller, 'gateway');
    const embeddingRequest = parseEmbeddingRequest(request.body);
    const headers = forwardedHeadersOf(request);
    const outcome = await deps.createEmbeddings({
      caller,
      request: embeddingRequest,
      endUser: endUserOf(request, embeddingRequest.user),
      signal: clientAbortSignal(request, reply),
      ...traceparentOf(request),
      ...(headers ? { headers } : {}),
    });
    return reply.headers(servedHeaders(outcome)).send(outcome.response);
  });

  app.get('/v1/models', async (request) => {
    const caller = await deps.authenticate(bearerTokenOf(request.headers));
    return deps.listModels(caller);
  });

  app.get<{ Params: { '*': string } }>('/v1/models/*', async (request) => {
    const caller = await deps.authenticate(bearerTokenOf(request.headers));
    // Model ids may contain slashes (`org/model`), hence the wildcard.
    const id = request.params['*'];
    const model = deps.listModels(caller).data.find((entry) => entry.id === id);
    if (!model) throw new SlipwayError('not_found', `The model '${id}' does not exist`, { param: 'model' });
    return model;
  });
}
