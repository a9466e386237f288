import type { Embedding, EmbeddingRequest, EmbeddingResponse } from '../../../core/chat.js';
import { SlipwayError } from '../../../core/errors.js';
import type { TokenCounter } from '../../../ports/token-counter.js';
import { embedText, embedTokenIds, toBase64 } from './hashed-ngram-embedder.js';
import { OFFLINE_EMBEDDING_DIMENSIONS } from './offline-models.js';

// OpenAI's own limits, kept so that a client tested offline is not surprised online.
const MAX_INPUTS = 2048;
const MAX_DIMENSIONS = 8192;

type Item = string | readonly number[];

function invalid(message: string, param: string): SlipwayError {
  return new SlipwayError('invalid_request', message, { param });
}

function isTokenArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'number' && Number.isInteger(item));
}

function itemsOf(input: unknown): Item[] {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) {
    throw invalid('`input` must be a non-empty string or array', 'input');
  }
  if (isTokenArray(input)) return [input];
  return input.map((item: unknown) => {
    if (typeof item === 'string' || isTokenArray(item)) return item;
    throw invalid('`input` items must be strings or arrays of token ids', 'input');
  });
}

function dimensionsOf(request: EmbeddingRequest): number {
  const { dimensions } = request;
  if (dimensions === undefined || dimensions === null) return OFFLINE_EMBEDDING_DIMENSIONS;
  if (
    typeof dimensions !== 'number' ||
    !Number.isInteger(dimensions) ||
    dimensions < 1 ||
    dimensions > MAX_DIMENSIONS
  ) {
    throw invalid(`\`dimensions\` must be an integer from 1 to ${MAX_DIMENSIONS}`, 'dimensions');
  }
  return dimensions;
}

/**
 * Runs the offline hashed n-gram embedding model over a request: one L2-normalised vector per input, as float
 * arrays or base64 little-endian float32, usage counted with the tokenizer.
 * @example runOfflineEmbeddings({ model: 'offline-hashed-ngrams', input: 'hello' }, tokenCounter).data[0]
 */
export function runOfflineEmbeddings(
  request: EmbeddingRequest,
  tokenCounter: TokenCounter,
): EmbeddingResponse {
  const items = itemsOf(request.input);
  if (items.length > MAX_INPUTS) throw invalid(`\`input\` may hold at most ${MAX_INPUTS} items`, 'input');
  const dimensions = dimensionsOf(request);
  const format = request.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64')
    throw invalid('`encoding_format` must be float or base64', 'encoding_format');
  let tokens = 0;
  const data: Embedding[] = items.map((item, index) => {
    let vector: Float32Array;
    if (typeof item === 'string') {
      // OpenAI rejects empty strings too; an empty text has no features to hash.
      if (item.trim().length === 0) throw invalid('`input` must not contain empty strings', 'input');
      tokens += tokenCounter.countText(item);
      vector = embedText(item, dimensions);
    } else {
      if (item.length === 0) throw invalid('`input` must not contain empty token arrays', 'input');
      tokens += item.length;
      vector = embedTokenIds(item, dimensions);
    }
    return {
      object: 'embedding',
      index,
      embedding: format === 'base64' ? toBase64(vector) : Array.from(vector),
    };
  });
  return {
    object: 'list',
    data,
    model: request.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
