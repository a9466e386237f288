import type { ErrorCode } from '../core/errors.js';
import type { Random } from '../ports/random.js';
import type { CompleteChatInput, CompleteChatResult } from '../services/complete-chat.js';
import type { CreateEmbeddingsInput, CreateEmbeddingsResult } from '../services/create-embeddings.js';
import type { ExecuteBatchLine } from '../services/run-batch-line.js';
import { toOpenAiError } from '../http/openai-error.js';
import { parseChatRequest, parseEmbeddingRequest } from '../http/request-schemas.js';

/** Failures worth another try later, when the limit window has moved or the upstream is back. */
const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set([
  'rate_limited',
  'overloaded',
  'upstream_unavailable',
  'upstream_error',
  'timeout',
]);

export interface ExecuteBatchLineDeps {
  completeChat(input: CompleteChatInput): Promise<CompleteChatResult>;
  createEmbeddings(input: CreateEmbeddingsInput): Promise<CreateEmbeddingsResult>;
  random: Random;
}

/**
 * A batch line through the same use cases, body checks and error shapes as a request to `/v1/…`: the output
 * file holds what the client would have received. The request id is the interaction's, so that a line can be
 * found in the log; a request that failed before it had one gets a fresh id.
 */
export function makeExecuteBatchLine(deps: ExecuteBatchLineDeps): ExecuteBatchLine {
  return async (line) => {
    const tags = { batchId: line.batchId };
    try {
      if (line.endpoint === '/v1/embeddings') {
        const request = parseEmbeddingRequest(line.body);
        const result = await deps.createEmbeddings({
          caller: line.caller,
          request,
          endUser: request.user ?? null,
          signal: line.signal,
          tags,
        });
        return { statusCode: 200, requestId: result.interactionId, body: result.response, retryable: false };
      }
      const request = parseChatRequest(line.body);
      const result = await deps.completeChat({
        caller: line.caller,
        request: { ...request, stream: false },
        endUser: request.user ?? null,
        signal: line.signal,
        tags,
      });
      // Never a stream: the request above asks for none.
      const body = result.kind === 'completion' ? result.completion : null;
      return { statusCode: 200, requestId: result.interactionId, body, retryable: false };
    } catch (error) {
      // A worker stopping mid-line leaves the line to the next delivery rather than record a failure.
      if (line.signal.aborted) throw error;
      const { status, body, error: slipwayError } = toOpenAiError(error);
      return {
        statusCode: status,
        requestId: deps.random.id('req'),
        body,
        retryable: slipwayError.retryable || RETRYABLE_CODES.has(slipwayError.code),
      };
    }
  };
}
