import type { DocumentRecord, IngestionRun } from '../core/documents/document.js';
import { SlipwayError } from '../core/errors.js';
import type { IngestionActor } from '../ports/document-catalog.js';
import type { DocumentsDeps } from './documents-deps.js';

/** Reading the catalog and removing documents. */
export interface DocumentManagement {
  /** `not_found` for an unknown collection. */
  list(query: { collection: string; limit: number; after?: string }): Promise<DocumentRecord[]>;
  /**
   * Cancels the document's unfinished ingestion, removes every chunk and vector of it, then its catalog row;
   * audited `document.delete`. `not_found` when there was nothing of it: no chunks, no row, no pending ingestion.
   */
  remove(input: { collection: string; documentId: string; actor: IngestionActor }): Promise<void>;
  /** `not_found` for an unknown run. */
  getRun(id: string): Promise<IngestionRun>;
}

/**
 * Lists documents, deletes them and reports ingestion runs. A deletion cancels the document's unfinished
 * ingestion items first, so that no `docs.ingest` job can record it afterwards (one that indexes it anyway
 * removes it again: see ingest-document.ts); then it deletes from the vector index before the catalog, so that
 * no search finds a deleted document's chunks even if the catalog write then fails.
 * @example await documents.remove({ collection: 'handbook', documentId: 'travel.md', actor });
 */
export function makeDocumentManagement(
  deps: Pick<DocumentsDeps, 'catalog' | 'index' | 'recordAudit' | 'clock'>,
): DocumentManagement {
  return {
    async list(query) {
      if ((await deps.catalog.getCollection(query.collection)) === null) {
        throw new SlipwayError('not_found', `No collection named "${query.collection}".`);
      }
      return deps.catalog.listDocuments(query);
    },
    async remove(input) {
      const { collection, documentId } = input;
      const cancelled = await deps.catalog.cancelIngestionItems({
        collection,
        documentId,
        at: deps.clock.now(),
      });
      const fromIndex = await deps.index.deleteDocument({ collection, documentId });
      const fromCatalog = await deps.catalog.deleteDocument(collection, documentId);
      if (cancelled === 0 && !fromIndex && !fromCatalog) {
        throw new SlipwayError('not_found', `No document "${documentId}" in collection "${collection}".`);
      }
      await deps.recordAudit({
        actor: input.actor,
        action: 'document.delete',
        target: `${collection}/${documentId}`,
        detail: { cancelledIngestions: cancelled },
      });
    },
    async getRun(id) {
      const run = await deps.catalog.getIngestionRun(id);
      if (run === null) throw new SlipwayError('not_found', `No ingestion run "${id}".`);
      const { actor: _actor, ...view } = run;
      return view;
    },
  };
}
