import { createHash } from 'node:crypto';
import type { ClassificationLevels } from '../core/access/classification-levels.js';
import type { ApiKeyStore } from '../ports/api-key-store.js';
import type { Clock } from '../ports/clock.js';
import type { DocumentCatalog, IngestionActor } from '../ports/document-catalog.js';
import type { EndUserDirectory } from '../ports/end-user-directory.js';
import type { ProjectStore } from '../ports/project-store.js';
import type { VectorIndex } from '../ports/vector-index.js';
import type { CreateEmbeddingsInput, CreateEmbeddingsResult } from '../services/create-embeddings.js';
import { makeGroundChatRequest } from '../services/ground-chat-request.js';
import { makePromptTestCaller } from '../services/prompt-test-caller.js';
import type { RecordAudit } from '../services/record-audit.js';
import { makeRetrieveForPrincipal } from '../services/retrieve-for-principal.js';
import { makeShowRetrievedDocuments } from '../services/show-retrieved-documents.js';

export interface RetrievalSurfacesDeps {
  retrieval: { index: VectorIndex; levels: ClassificationLevels };
  store: Pick<DocumentCatalog, 'getCollection' | 'getDocument'> &
    Pick<EndUserDirectory, 'getEndUser'> &
    Pick<ApiKeyStore, 'getApiKey'> &
    Pick<ProjectStore, 'findProjectByName'>;
  createEmbeddings(input: CreateEmbeddingsInput): Promise<CreateEmbeddingsResult>;
  recordAudit: RecordAudit;
  clock: Clock;
}

/**
 * Retrieval at the edges: audited search for a principal, chat grounding, and the log view that resolves
 * retrieved-chunk references for the viewer only. Query fingerprints are SHA-256 of the query text.
 * @example const surfaces = composeRetrievalSurfaces({ retrieval, store, createEmbeddings, recordAudit, clock });
 */
export function composeRetrievalSurfaces(deps: RetrievalSurfacesDeps) {
  const { index, levels } = deps.retrieval;
  const retrieve = makeRetrieveForPrincipal({
    catalog: deps.store,
    index,
    createEmbeddings: deps.createEmbeddings,
    levels,
    recordAudit: deps.recordAudit,
    fingerprint: (text) => `sha256:${createHash('sha256').update(text).digest('hex')}`,
  });
  const testCaller = makePromptTestCaller({ keys: deps.store, projects: deps.store, clock: deps.clock });
  return {
    retrieve,
    groundChat: makeGroundChatRequest({ retrieve }),
    showRetrievedDocuments: makeShowRetrievedDocuments({ index, directory: deps.store, levels }),
    callerOf: (actor: IngestionActor) => testCaller({ ...actor, projectScope: null }),
    collectionSize: (name: string) => index.getCollection(name),
  };
}
