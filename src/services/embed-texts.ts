import type { Caller } from '../core/identity.js';
import { SlipwayError } from '../core/errors.js';
import type { CreateEmbeddingsInput, CreateEmbeddingsResult } from './create-embeddings.js';

export interface EmbedTextsOptions {
  createEmbeddings(input: CreateEmbeddingsInput): Promise<CreateEmbeddingsResult>;
  caller: Caller;
  model: string;
  texts: readonly string[];
  /** Inputs per embeddings request. */
  batchSize: number;
  signal: AbortSignal;
}

/**
 * Embeds texts through the gateway's embeddings use case, a batch per request, so that ingestion is limited,
 * priced and logged like any client's embeddings. Returns one vector per text, in order; a response whose vectors
 * are missing or not numbers is `upstream_error`.
 * @example const vectors = await embedTexts({ createEmbeddings, caller, model, texts, batchSize: 64, signal });
 */
export async function embedTexts(options: EmbedTextsOptions): Promise<Float32Array[]> {
  const vectors: Float32Array[] = [];
  for (let start = 0; start < options.texts.length; start += options.batchSize) {
    const input = options.texts.slice(start, start + options.batchSize);
    const { response } = await options.createEmbeddings({
      caller: options.caller,
      request: { model: options.model, input },
      // Document chunks and retrieval queries: the log would otherwise hold a copy of every document, readable
      // under no document's rule (docs/decisions/2026-12-04-retrieval-surfaces-and-log-redaction.md).
      loggedRequest: {
        model: options.model,
        input: [`[withheld: ${input.length} document or query text(s)]`],
      },
      endUser: null,
      signal: options.signal,
    });
    const byIndex = [...response.data].sort((a, b) => a.index - b.index);
    if (byIndex.length !== input.length) {
      throw new SlipwayError(
        'upstream_error',
        `The embeddings model "${options.model}" returned ${byIndex.length} vectors for ${input.length} inputs`,
      );
    }
    for (const embedding of byIndex) {
      if (!Array.isArray(embedding.embedding)) {
        throw new SlipwayError(
          'upstream_error',
          `The embeddings model "${options.model}" returned no float vector`,
        );
      }
      vectors.push(Float32Array.from(embedding.embedding));
    }
  }
  return vectors;
}
