import type { CollectionRecord } from '../../../../core/documents/document.js';
import type { DocumentView } from '../../../../http/document-views.js';
import type { RetrievalDecision } from '../../../../ports/vector-index.js';

export type { CollectionRecord, DocumentView };

/** `POST /api/retrieval/preview`: what an end user's search returns, with the decision facts. */
export interface RetrievalPreview {
  principal: {
    kind: string;
    userId?: string;
    groups?: string[];
    roles?: string[];
    clearance?: string | null;
  };
  decision: RetrievalDecision;
  data: Array<{
    document_id: string;
    title: string;
    source_name: string;
    chunk_index: number;
    score: number;
    text: string;
  }>;
}
