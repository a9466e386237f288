import type { AccessFilter } from '../../../core/access/access-filter.js';
import { accessFilterKey } from '../../../core/access/access-filter-key.js';

/** The count of one (collection, principal) pair, true while the collection is at `version`. */
export interface AllowedCount {
  version: string;
  allowed: number;
  total: number;
  /**
   * The allowed documents that hold chunks, as a quoted SQL `text[]` literal, when there are few enough for an
   * exact search to name them instead of testing every document's rule again.
   */
  documents?: string;
  /** The same documents' ids, for the documents path's centroid cache. */
  documentIds?: readonly string[];
}

/**
 * Allowed-chunk counts of recent searches, by collection and access filter, least recently used dropped first.
 * An entry is only a guess at what the database holds: a search that uses one checks, in its own transaction,
 * that the collection's version is still the entry's (every write raises it), and counts afresh otherwise.
 */
export class AllowedCountCache {
  readonly #entries = new Map<string, AllowedCount>();

  constructor(readonly capacity: number) {}

  get(collectionId: number, filter: AccessFilter): AllowedCount | undefined {
    const key = accessFilterKey(collectionId, filter);
    const found = this.#entries.get(key);
    if (found) {
      this.#entries.delete(key);
      this.#entries.set(key, found);
    }
    return found;
  }

  set(collectionId: number, filter: AccessFilter, count: AllowedCount): void {
    const key = accessFilterKey(collectionId, filter);
    this.#entries.delete(key);
    this.#entries.set(key, count);
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }
}
