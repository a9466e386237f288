import hnswlib from 'hnswlib-node';

/** Graph parameters of hnswlib's HNSW; see the decision record for the figures behind the defaults. */
export interface HnswSettings {
  m: number;
  efConstruction: number;
  /** The search beam when every chunk is allowed; narrower filters widen it (see `CollectionMemory`). */
  efSearch: number;
}

/** A fixed seed keeps graph construction, and so every figure measured on it, reproducible. */
const RANDOM_SEED = 100;

/**
 * An HNSW graph (hnswlib-node, inner-product space over unit vectors) of one collection's chunks, labelled like the
 * slab. Removed chunks are marked deleted, which hnswlib skips in every search.
 */
export class HnswGraph {
  readonly #index: hnswlib.HierarchicalNSW;
  #deleted = 0;

  constructor(
    dimension: number,
    readonly settings: HnswSettings,
    capacity: number,
  ) {
    this.#index = new hnswlib.HierarchicalNSW('ip', dimension);
    this.#index.initIndex({
      maxElements: Math.max(capacity, 16),
      m: settings.m,
      efConstruction: settings.efConstruction,
      randomSeed: RANDOM_SEED,
    });
  }

  /** Labels marked deleted and still in the graph. */
  get deleted(): number {
    return this.#deleted;
  }

  add(label: number, vector: Float32Array): void {
    if (this.#index.getCurrentCount() >= this.#index.getMaxElements()) {
      this.#index.resizeIndex(this.#index.getMaxElements() * 2);
    }
    this.#index.addPoint(Array.from(vector), label);
  }

  remove(label: number): void {
    this.#index.markDelete(label);
    this.#deleted += 1;
  }

  /**
   * Up to k labels nearest the query among those `accept` admits, the filter applied inside the graph walk.
   * `accept` runs inside native code, where a throw aborts the whole process: it must only read typed arrays.
   */
  search(query: Float32Array, beam: { k: number; ef: number }, accept: (label: number) => boolean): number[] {
    this.#index.setEf(Math.max(beam.ef, beam.k));
    return this.#index.searchKnn(Array.from(query), beam.k, accept).neighbors;
  }
}
