import type { VectorStoreFileRecord } from '../core/documents/vector-store-file.js';

/** A page of a vector store's files in creation order, OpenAI's cursor paging (`after`/`before` name file ids). */
export interface VectorStoreFilePageQuery {
  collection: string;
  /** 1..101 (a route asks for one more than it shows, to know whether more follow). */
  limit: number;
  order: 'asc' | 'desc';
  after?: string;
  before?: string;
}

/**
 * Which files of `/v1/files` were added to which vector stores (collections), and by which ingestion run.
 *
 * Contract (test/contract/vector-store-file-store.contract.ts runs it on SQLite and PostgreSQL):
 * - Records are keyed by (collection, file id); `putVectorStoreFile` creates or replaces one (adding a file
 *   again starts a new run).
 * - `listVectorStoreFiles` orders by `createdAt`, then file id, ascending or descending; `after` and `before`
 *   name files of the same collection, and an unknown one gives an empty page.
 * - `listCollectionsOfFile` names every collection the file is in, by name.
 * - `deleteVectorStoreFile` returns false when there was no such record.
 * @example await store.putVectorStoreFile({ collection: 'reports', fileId, runId, attributes: {}, createdAt });
 */
export interface VectorStoreFileStore {
  putVectorStoreFile(record: VectorStoreFileRecord): Promise<void>;
  getVectorStoreFile(collection: string, fileId: string): Promise<VectorStoreFileRecord | null>;
  listVectorStoreFiles(query: VectorStoreFilePageQuery): Promise<VectorStoreFileRecord[]>;
  listCollectionsOfFile(fileId: string): Promise<string[]>;
  deleteVectorStoreFile(collection: string, fileId: string): Promise<boolean>;
}
