import type { DocumentCollections } from '../services/document-collections.js';
import type { DocumentManagement } from '../services/manage-documents.js';
import type { SetDocumentAccess } from '../services/set-document-access.js';
import type { StartIngestion } from '../services/start-ingestion.js';

/** What the documents routes need from the composed application (src/compose/compose-retrieval.ts). */
export interface DocumentsApi {
  collections: DocumentCollections;
  documents: DocumentManagement;
  startIngestion: StartIngestion;
  setDocumentAccess: SetDocumentAccess;
  /** Largest upload, all files together. */
  maxUploadBytes: number;
}
