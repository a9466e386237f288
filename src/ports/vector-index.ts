import type { AccessFilter } from '../core/access/access-filter.js';
import type { AccessRule } from '../core/access/access-rule.js';

/** A collection of documents whose chunks all have vectors of one dimension. */
export interface VectorCollection {
  name: string;
  dimension: number;
  /** Live documents and chunks (deleted ones are not counted). */
  documents: number;
  chunks: number;
}

/** One chunk of a document: its position in the document, its text and its embedding. */
export interface VectorChunk {
  index: number;
  text: string;
  vector: Float32Array;
}

/** Addresses one document of one collection. */
export interface DocumentRef {
  collection: string;
  documentId: string;
}

/** A document's whole indexed state: its chunks and the rule saying who may read them. */
export interface IndexedDocument extends DocumentRef {
  rule: AccessRule;
  chunks: readonly VectorChunk[];
}

export interface VectorSearchRequest {
  collection: string;
  vector: Float32Array;
  /** 1..1000. */
  k: number;
  /** Whose search this is (from `accessFilterFor`); required, because no search may run for nobody. */
  filter: AccessFilter;
}

/** A chunk the principal may read, with its cosine similarity to the query (higher is closer). */
interface RetrievedChunk {
  documentId: string;
  chunkIndex: number;
  text: string;
  score: number;
}

/** One chunk of one document of a collection, by position. */
export interface ChunkRef {
  documentId: string;
  chunkIndex: number;
}

export interface ChunkReadRequest {
  collection: string;
  /** At most 1000. */
  chunks: readonly ChunkRef[];
  /** Whose read this is (from `accessFilterFor`); required, like a search's. */
  filter: AccessFilter;
}

/** The facts of one access decision, for the audit log. */
export interface RetrievalDecision {
  /**
   * `exact`: every allowed chunk was compared; `hnsw`: an approximate index walked with the filter inside;
   * `documents`: the allowed documents nearest the query (by the mean of their chunks' vectors) were chosen, and
   * every chunk of those compared.
   */
  path: 'exact' | 'hnsw' | 'documents';
  /** Live chunks of the collection the principal may read, and may not. */
  allowedChunks: number;
  deniedChunks: number;
  /** Chunks whose vectors (or access) the search looked at. */
  candidatesExamined: number;
}

export interface VectorSearchResult {
  /** Highest score first; at most k, and exactly min(k, allowedChunks). */
  chunks: RetrievedChunk[];
  decision: RetrievalDecision;
}

/**
 * Vectors of document chunks, searched for a principal with that principal's access filter inside the query.
 * There is no unfiltered search: every read of chunk text goes through `search` and its filter.
 *
 * Contract:
 * - `createCollection` is idempotent for the same dimension; another dimension for an existing name is `conflict`.
 * - Every write takes effect on the very next `search`: `replaceDocument` swaps a document's chunks and rule in
 *   one step (no search sees a mix of old and new chunks), `deleteDocument` removes every chunk and vector,
 *   `setAccessRule` changes who may read without re-embedding.
 * - `search` returns only chunks whose document rule `isAllowed` (src/core/access/is-allowed.ts) for the filter,
 *   never a top-k taken first and trimmed after, and returns min(k, allowed chunks) results, highest cosine
 *   similarity first. A document that would otherwise admit the principal but whose classification is not among
 *   the filter's levels makes the search throw `internal_error`: any error while evaluating access fails the
 *   search closed, with no partial result.
 * - A vector whose length differs from the collection's dimension, or holds a non-finite number, is
 *   `invalid_request` (param `vector`); k outside 1..1000 is `invalid_request` (param `k`); an unknown
 *   collection is `not_found`; chunk indexes repeated within a document are `invalid_request`.
 * @example
 * const { chunks, decision } = await index.search({ collection: 'handbook', vector, k: 5, filter });
 */
export interface VectorIndex {
  createCollection(collection: { name: string; dimension: number }): Promise<void>;
  /** Null when there is no such collection. */
  getCollection(name: string): Promise<VectorCollection | null>;
  /** Creates or replaces the document; its collection must exist (`not_found`). */
  replaceDocument(document: IndexedDocument): Promise<void>;
  /** Removes the document's chunks and vectors; false when there was no such document. */
  deleteDocument(document: DocumentRef): Promise<boolean>;
  /** Changes the document's rule for every later search; `not_found` when there is no such document. */
  setAccessRule(document: DocumentRef, rule: AccessRule): Promise<void>;
  search(request: VectorSearchRequest): Promise<VectorSearchResult>;
  /**
   * The text of the named chunks that the filter's principal may read now (the same `isAllowed` rule as
   * `search`), in the order asked. Chunks of unknown collections or documents, deleted ones, and those the
   * principal may not read are left out rather than reported, so that the answer tells an uncleared reader
   * nothing more than a missing chunk would. More than 1000 refs is `invalid_request` (param `chunks`); an
   * error while evaluating access throws (fail closed).
   * @example await index.readChunks({ collection: 'finance', chunks: [{ documentId: 'q3.md', chunkIndex: 0 }], filter });
   */
  readChunks(request: ChunkReadRequest): Promise<Array<ChunkRef & { text: string }>>;
  close(): Promise<void>;
}
