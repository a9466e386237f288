import type { Caller } from '../core/identity.js';
import type { IngestionActor } from '../ports/document-catalog.js';
import type { VectorCollection } from '../ports/vector-index.js';
import type { GroundChatRequest } from '../services/ground-chat-request.js';
import type { RetrieveForPrincipal } from '../services/retrieve-for-principal.js';
import type { ShowRetrievedDocuments } from '../services/show-retrieved-documents.js';

/** What the retrieval surfaces need (src/compose/compose-retrieval-surfaces.ts provides it). */
export interface RetrievalSurfacesApi {
  /** Search for a principal, audited (`/v1/vector_stores/{id}/search`, the dashboard's preview). */
  retrieve: RetrieveForPrincipal;
  /** A chat request's `retrieval` extension. */
  groundChat: GroundChatRequest;
  /** `GET /api/interactions/{id}`: retrieved chunks as the viewer may read them. */
  showRetrievedDocuments: ShowRetrievedDocuments;
  /** The gateway caller whose embeddings call an admin's preview runs as. */
  callerOf(actor: IngestionActor): Promise<Caller>;
  /** Live documents and chunks of a collection; null when the index has no such collection. */
  collectionSize(name: string): Promise<VectorCollection | null>;
}
