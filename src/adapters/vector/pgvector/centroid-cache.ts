import type { DocumentCentroid } from '../../../core/retrieval/nearest-documents.js';

interface CollectionCentroids {
  version: string;
  byId: Map<string, DocumentCentroid>;
  bytes: number;
}

/** What a cached document costs beyond its vector: the map entry, the object and its id. */
const ENTRY_OVERHEAD_BYTES = 160;

/**
 * Centroids of the documents that documents-path searches have ranked, per collection, so that a later search
 * ranks them in the process instead of reading a heap row per allowed document (8 of the path's 15 ms at 1,000
 * documents). An entry holds for one version of its collection: every write raises the version, and a search
 * that uses the entry checks the version in its own transaction, as with the allowed-chunk counts. Bounded in
 * bytes; the least recently used collection goes first, and a collection larger than the bound is not kept.
 */
export class CentroidCache {
  readonly #collections = new Map<number, CollectionCentroids>();
  #bytes = 0;

  constructor(readonly maxBytes: number) {}

  /** The centroids of `ids` at `version`, or undefined unless every one of them is cached. */
  get(collectionId: number, version: string, ids: readonly string[]): DocumentCentroid[] | undefined {
    const entry = this.#collections.get(collectionId);
    if (entry?.version !== version) return undefined;
    const found: DocumentCentroid[] = [];
    for (const id of ids) {
      const document = entry.byId.get(id);
      if (!document) return undefined;
      found.push(document);
    }
    this.#collections.delete(collectionId);
    this.#collections.set(collectionId, entry);
    return found;
  }

  /** Which of `ids` are not cached at `version`. */
  missing(collectionId: number, version: string, ids: readonly string[]): string[] {
    const entry = this.#collections.get(collectionId);
    if (entry?.version !== version) return [...ids];
    return ids.filter((id) => !entry.byId.has(id));
  }

  /** Adds documents read at `version`; an entry of another version is replaced. */
  add(collectionId: number, version: string, documents: readonly DocumentCentroid[]): void {
    let entry = this.#collections.get(collectionId);
    if (entry?.version !== version) {
      this.#drop(collectionId);
      entry = { version, byId: new Map(), bytes: 0 };
    }
    this.#collections.delete(collectionId);
    this.#collections.set(collectionId, entry);
    for (const document of documents) {
      const before = entry.byId.get(document.id);
      const bytes = sizeOf(document) - (before ? sizeOf(before) : 0);
      entry.byId.set(document.id, document);
      entry.bytes += bytes;
      this.#bytes += bytes;
    }
    if (entry.bytes > this.maxBytes) this.#drop(collectionId);
    for (const oldest of this.#collections.keys()) {
      if (this.#bytes <= this.maxBytes) break;
      this.#drop(oldest);
    }
  }

  #drop(collectionId: number): void {
    const entry = this.#collections.get(collectionId);
    if (!entry) return;
    this.#bytes -= entry.bytes;
    this.#collections.delete(collectionId);
  }
}

function sizeOf(document: DocumentCentroid): number {
  return ENTRY_OVERHEAD_BYTES + 2 * document.id.length + (document.centroid?.byteLength ?? 0);
}
