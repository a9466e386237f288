import type { CollectionRecord } from '../core/documents/document.js';
import type { VectorCollection } from '../ports/vector-index.js';
import type { RetrievedPassage } from '../services/retrieve-for-principal.js';

/** A collection in OpenAI's vector-store shape; its id is its name. */
export function vectorStoreViewOf(collection: CollectionRecord, size: VectorCollection | null) {
  const documents = size?.documents ?? 0;
  return {
    id: collection.name,
    object: 'vector_store' as const,
    created_at: Math.floor(collection.createdAt / 1000),
    name: collection.name,
    usage_bytes: 0,
    file_counts: { in_progress: 0, completed: documents, failed: 0, cancelled: 0, total: documents },
    status: 'completed' as const,
    expires_after: null,
    expires_at: null,
    last_active_at: null,
    metadata: { embedding_model: collection.embeddingModel, chunks: String(size?.chunks ?? 0) },
  };
}

/** One chunk in OpenAI's search-result shape: the document id is the file id. */
export function searchResultViewOf(collection: string, passage: RetrievedPassage) {
  return {
    file_id: passage.documentId,
    filename: passage.sourceName,
    score: passage.score,
    attributes: { collection, title: passage.title, chunk_index: passage.chunkIndex },
    content: [{ type: 'text' as const, text: passage.text }],
  };
}
