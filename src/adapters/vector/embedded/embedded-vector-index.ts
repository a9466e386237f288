import type BetterSqlite3 from 'better-sqlite3';
import { parseAccessRule, type AccessRule } from '../../../core/access/access-rule.js';
import { SlipwayError, toSlipwayError } from '../../../core/errors.js';
import { isAllowed } from '../../../core/access/is-allowed.js';
import { checkChunkRefs } from '../../../core/retrieval/check-chunk-refs.js';
import type {
  ChunkReadRequest,
  ChunkRef,
  DocumentRef,
  IndexedDocument,
  VectorCollection,
  VectorIndex,
  VectorSearchRequest,
  VectorSearchResult,
} from '../../../ports/vector-index.js';
import { CollectionMemory, type PlannerSettings } from './collection-memory.js';
import { checkChunks, checkK, checkName, checkVector } from './vector-input.js';
import { VectorRows } from './vector-rows.js';

/**
 * The embedded VectorIndex: durable rows in its own SQLite file, vectors and access rules held in memory per
 * collection, searched exactly or through a filtered HNSW walk as the planner decides. One process owns the file:
 * another process writing to it would not be seen until this one reopens it.
 */
export class EmbeddedVectorIndex implements VectorIndex {
  readonly #rows: VectorRows;
  readonly #collections = new Map<string, CollectionMemory>();
  #closed = false;

  constructor(
    readonly database: BetterSqlite3.Database,
    readonly settings: PlannerSettings,
  ) {
    this.#rows = new VectorRows(database);
    for (const { name, dimension } of this.#rows.collections()) {
      const memory = new CollectionMemory(dimension, settings);
      for (const [documentId, document] of this.#rows.loadDocuments(name)) memory.put(documentId, document);
      this.#collections.set(name, memory);
    }
  }

  async createCollection(collection: { name: string; dimension: number }): Promise<void> {
    this.#open();
    const name = checkName(collection.name, 'collection');
    const { dimension } = collection;
    if (!Number.isInteger(dimension) || dimension < 1 || dimension > 16_384) {
      throw new SlipwayError('invalid_request', 'dimension must be an integer from 1 to 16384', {
        param: 'dimension',
      });
    }
    const existing = this.#collections.get(name);
    if (existing) {
      if (existing.dimension === dimension) return;
      throw new SlipwayError(
        'conflict',
        `Collection "${name}" exists with dimension ${existing.dimension}, not ${dimension}`,
        { param: 'dimension' },
      );
    }
    this.#rows.insertCollection(name, dimension);
    this.#collections.set(name, new CollectionMemory(dimension, this.settings));
  }

  async getCollection(name: string): Promise<VectorCollection | null> {
    this.#open();
    const memory = this.#collections.get(name);
    if (!memory) return null;
    return { name, dimension: memory.dimension, documents: memory.documentCount, chunks: memory.liveChunks };
  }

  async replaceDocument(document: IndexedDocument): Promise<void> {
    this.#open();
    const memory = this.#collection(document.collection);
    const documentId = checkName(document.documentId, 'document_id');
    const rule = parseAccessRule(document.rule);
    checkChunks(document.chunks, memory.dimension);
    const stored: IndexedDocument = { ...document, documentId, rule };
    this.database.transaction(() => {
      this.#rows.deleteDocument(document.collection, documentId);
      this.#rows.insertDocument(stored);
    })();
    memory.put(documentId, { rule, chunks: document.chunks });
    this.#compactIfWorthIt(document.collection, memory);
  }

  async deleteDocument(document: DocumentRef): Promise<boolean> {
    this.#open();
    const memory = this.#collection(document.collection);
    const documentId = checkName(document.documentId, 'document_id');
    const deleted = this.#rows.deleteDocument(document.collection, documentId);
    memory.remove(documentId);
    this.#compactIfWorthIt(document.collection, memory);
    return deleted;
  }

  async setAccessRule(document: DocumentRef, rule: AccessRule): Promise<void> {
    this.#open();
    const memory = this.#collection(document.collection);
    const parsed = parseAccessRule(rule);
    checkName(document.documentId, 'document_id');
    if (!memory.has(document.documentId)) {
      throw new SlipwayError('not_found', `No document "${document.documentId}" in "${document.collection}"`);
    }
    this.database.transaction(() =>
      this.#rows.updateRule(document.collection, document.documentId, parsed),
    )();
    memory.setRule(document.documentId, parsed);
  }

  async search(request: VectorSearchRequest): Promise<VectorSearchResult> {
    this.#open();
    const memory = this.#collection(request.collection);
    const vector = checkVector(request.vector, memory.dimension);
    const k = checkK(request.k);
    if (request.filter === null || typeof request.filter !== 'object') {
      throw new SlipwayError('internal_error', 'A search needs the access filter of its principal');
    }
    let found;
    try {
      found = memory.search(vector, k, request.filter);
    } catch (error) {
      // Fail closed: whatever went wrong while deciding access, no chunk leaves.
      throw toSlipwayError(error);
    }
    const chunks = found.hits.map(({ label, score }) => {
      const { documentId, chunkIndex } = memory.locate(label);
      const text = this.#rows.chunkText(request.collection, documentId, chunkIndex) ?? '';
      return { documentId, chunkIndex, text, score };
    });
    return { chunks, decision: found.decision };
  }

  async readChunks(request: ChunkReadRequest): Promise<Array<ChunkRef & { text: string }>> {
    this.#open();
    checkChunkRefs(request.chunks);
    const memory = this.#collections.get(request.collection);
    if (!memory) return [];
    const readable: Array<ChunkRef & { text: string }> = [];
    for (const { documentId, chunkIndex } of request.chunks) {
      const rule = memory.ruleOfDocument(documentId);
      if (rule === null) continue;
      let allowed: boolean;
      try {
        allowed = isAllowed(rule, request.filter);
      } catch (error) {
        throw toSlipwayError(error);
      }
      if (!allowed) continue;
      const text = this.#rows.chunkText(request.collection, documentId, chunkIndex);
      if (text !== undefined) readable.push({ documentId, chunkIndex, text });
    }
    return readable;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#collections.clear();
    this.database.close();
  }

  #compactIfWorthIt(name: string, memory: CollectionMemory): void {
    if (memory.wantsCompaction) this.#collections.set(name, memory.compacted());
  }

  #collection(name: string): CollectionMemory {
    const memory = this.#collections.get(name);
    if (!memory)
      throw new SlipwayError('not_found', `No collection named "${name}"`, { param: 'collection' });
    return memory;
  }

  #open(): void {
    if (this.#closed) throw new SlipwayError('internal_error', 'The vector index is closed');
  }
}
