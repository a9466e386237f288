import type { RouteKind } from '../../../core/route.js';

/** A model the offline provider serves, as `/v1/models` lists it. */
export interface OfflineModelDescriptor {
  id: string;
  kind: RouteKind;
  description: string;
  /** Length of the vectors an embedding model returns when the request sets no `dimensions`. */
  dimensions?: number;
}

export const OFFLINE_CHAT_MODEL = 'offline-extractive';
export const OFFLINE_EMBEDDING_MODEL = 'offline-hashed-ngrams';
export const OFFLINE_EMBEDDING_DIMENSIONS = 384;

/** The built-in models: deterministic, no weights, no downloads, and they say so. */
export const OFFLINE_MODELS: readonly OfflineModelDescriptor[] = Object.freeze([
  Object.freeze({
    id: OFFLINE_CHAT_MODEL,
    kind: 'chat',
    description:
      'Offline extractive model, no neural network: answers by quoting the sentences of the conversation ' +
      '(system, developer, earlier and tool messages) that best match the last user message (BM25 over word ' +
      'stems), cited as [1], [2]. It does not write new text.',
  }),
  Object.freeze({
    id: OFFLINE_EMBEDDING_MODEL,
    kind: 'embeddings',
    description:
      'Offline embedding model, no neural network: signed feature hashing of word unigrams, word bigrams and ' +
      'character 3-grams into an L2-normalised vector (384 dimensions unless `dimensions` is set). Texts that ' +
      'share words are close; synonyms are not.',
    dimensions: OFFLINE_EMBEDDING_DIMENSIONS,
  }),
]);
