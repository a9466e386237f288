import type { VectorStoreFileView } from '../services/manage-vector-store-files.js';

/** A vector-store file in OpenAI's shape (times in seconds); its id is the file's id. */
export function vectorStoreFileObjectOf(view: VectorStoreFileView) {
  return {
    id: view.fileId,
    object: 'vector_store.file' as const,
    usage_bytes: view.usageBytes,
    created_at: Math.floor(view.createdAt / 1000),
    vector_store_id: view.collection,
    status: view.status,
    // OpenAI's codes are server_error, unsupported_file and invalid_file; the type is checked on upload, so a
    // failure here is a file that could not be read or indexed.
    last_error: view.error === null ? null : { code: 'invalid_file' as const, message: view.error },
    attributes: view.attributes,
    chunking_strategy: { type: 'other' as const },
  };
}
