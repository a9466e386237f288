import type { DocumentFiles } from '../services/manage-document-files.js';
import type { VectorStoreFiles } from '../services/manage-vector-store-files.js';

/** What `/v1/files` (for documents) and `/v1/vector_stores/{id}/files` need (src/compose/compose-vector-store-files.ts). */
export interface VectorStoreFilesApi {
  /** Files of purpose `assistants` and `user_data`, kept as bytes. */
  files: DocumentFiles;
  /** Files added to vector stores. */
  attachments: VectorStoreFiles;
}
