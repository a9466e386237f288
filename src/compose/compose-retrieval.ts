import { createHash } from 'node:crypto';
import { createDocumentParser } from '../adapters/document-parsers/index.js';
import { openEmbeddedVectorIndex } from '../adapters/vector/embedded/index.js';
import { openPgvectorIndex } from '../adapters/vector/pgvector/index.js';
import type { Config } from '../config/config-schema.js';
import { parseClassificationLevels } from '../core/access/classification-levels.js';
import { SlipwayError } from '../core/errors.js';
import type { ApiKeyStore } from '../ports/api-key-store.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentCatalog } from '../ports/document-catalog.js';
import type { ProjectStore } from '../ports/project-store.js';
import type { Random } from '../ports/random.js';
import type { TokenCounter } from '../ports/token-counter.js';
import type { VectorIndex } from '../ports/vector-index.js';
import type { CreateEmbeddingsInput, CreateEmbeddingsResult } from '../services/create-embeddings.js';
import { makeDocumentCollections } from '../services/document-collections.js';
import type { DocumentsDeps } from '../services/documents-deps.js';
import { makeIngestDocument } from '../services/ingest-document.js';
import { makeDocumentManagement } from '../services/manage-documents.js';
import { makePromptTestCaller } from '../services/prompt-test-caller.js';
import type { RecordAudit } from '../services/record-audit.js';
import { makeSetDocumentAccess } from '../services/set-document-access.js';
import { makeStartIngestion } from '../services/start-ingestion.js';

export interface RetrievalCompositionDeps {
  store: DocumentCatalog & Pick<ApiKeyStore, 'getApiKey'> & Pick<ProjectStore, 'findProjectByName'>;
  createEmbeddings(input: CreateEmbeddingsInput): Promise<CreateEmbeddingsResult>;
  tokenCounter: TokenCounter;
  clock: Clock;
  random: Random;
  recordAudit: RecordAudit;
}

function openIndex(config: Config): Promise<VectorIndex> {
  const { retrieval, store } = config;
  if (retrieval.index === 'embedded')
    return Promise.resolve(openEmbeddedVectorIndex({ path: retrieval.path }));
  if (store.kind !== 'postgres') {
    // The configuration schema refuses this already; kept for a Config built by hand.
    throw new SlipwayError('invalid_request', 'retrieval.index "pgvector" needs store kind "postgres"');
  }
  return openPgvectorIndex({ url: store.url });
}

/** `retrieval.embeddingModel`, else the first embeddings route (the built-in offline one unless replaced). */
function embeddingModelOf(config: Config): string {
  const model =
    config.retrieval.embeddingModel ?? config.routes.find((route) => route.kind === 'embeddings')?.model;
  if (model === undefined) {
    throw new SlipwayError(
      'invalid_request',
      'retrieval.embeddingModel is unset and no embeddings route exists',
    );
  }
  return model;
}

/**
 * Documents and retrieval: the vector index (embedded file or pgvector), the parsers, and the use cases that
 * create collections, ingest documents (`docs.ingest` jobs, run by the workers), change their access and delete
 * them. `close` closes the index.
 * @example const retrieval = await composeRetrieval(config, { store, createEmbeddings, tokenCounter, clock, random, recordAudit });
 */
export async function composeRetrieval(config: Config, deps: RetrievalCompositionDeps) {
  const index = await openIndex(config);
  const levels = parseClassificationLevels(config.retrieval.classificationLevels);
  const testCaller = makePromptTestCaller({ keys: deps.store, projects: deps.store, clock: deps.clock });
  const documentsDeps: DocumentsDeps = {
    catalog: deps.store,
    index,
    parser: createDocumentParser(),
    createEmbeddings: deps.createEmbeddings,
    callerOf: (actor) => testCaller({ ...actor, projectScope: null }),
    countTokens: (text) => deps.tokenCounter.countText(text),
    sha256Hex: (content) => createHash('sha256').update(content).digest('hex'),
    clock: deps.clock,
    random: deps.random,
    recordAudit: deps.recordAudit,
    settings: {
      embeddingModel: embeddingModelOf(config),
      chunkTokens: config.retrieval.chunkTokens,
      overlapTokens: config.retrieval.overlapTokens,
      embedBatchSize: config.retrieval.embedBatchSize,
      levels,
    },
  };
  return {
    index,
    levels,
    maxUploadBytes: config.retrieval.maxUploadBytes,
    collections: makeDocumentCollections(documentsDeps),
    documents: makeDocumentManagement(documentsDeps),
    startIngestion: makeStartIngestion(documentsDeps),
    ingestDocument: makeIngestDocument(documentsDeps),
    setDocumentAccess: makeSetDocumentAccess(documentsDeps),
    close: () => index.close(),
  };
}
