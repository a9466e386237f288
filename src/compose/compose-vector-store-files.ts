import { createDocumentParser } from '../adapters/document-parsers/index.js';
import type { Config } from '../config/config-schema.js';
import type { BatchStore } from '../ports/batch-store.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentCatalog } from '../ports/document-catalog.js';
import type { FileBlobStore } from '../ports/file-blob-store.js';
import type { Random } from '../ports/random.js';
import type { VectorStoreFileStore } from '../ports/vector-store-file-store.js';
import { makeDocumentFiles } from '../services/manage-document-files.js';
import { makeVectorStoreFiles } from '../services/manage-vector-store-files.js';
import type { composeRetrieval } from './compose-retrieval.js';

export interface VectorStoreFilesCompositionDeps {
  store: Pick<BatchStore, 'getFile' | 'insertFile' | 'deleteFile'> &
    FileBlobStore &
    VectorStoreFileStore &
    Pick<DocumentCatalog, 'getIngestionRun' | 'getIngestionItem' | 'getDocument'>;
  retrieval: Pick<
    Awaited<ReturnType<typeof composeRetrieval>>,
    'collections' | 'documents' | 'startIngestion' | 'levels'
  >;
  clock: Clock;
  random: Random;
}

/**
 * OpenAI's Files and vector-store files over Slipway's ingestion: document files kept as bytes (up to
 * `retrieval.maxUploadBytes`), and their addition to collections through `docs.ingest` jobs.
 * @example const vectorStoreFiles = composeVectorStoreFiles(config, { store, retrieval, clock, random });
 */
export function composeVectorStoreFiles(config: Config, deps: VectorStoreFilesCompositionDeps) {
  const { store, retrieval, clock, random } = deps;
  const attachments = makeVectorStoreFiles({
    store,
    collections: retrieval.collections,
    startIngestion: retrieval.startIngestion,
    removeDocument: (input) => retrieval.documents.remove(input),
    levels: retrieval.levels,
    clock,
  });
  const files = makeDocumentFiles({
    store,
    parser: createDocumentParser(),
    clock,
    random,
    maxFileBytes: config.retrieval.maxUploadBytes,
    removeFromVectorStore: (input) => attachments.remove(input),
  });
  return { files, attachments };
}
