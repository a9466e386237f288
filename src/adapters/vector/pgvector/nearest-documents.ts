/** A document as the documents path ranks it: its chunk count and its centroid (null when it has none). */
export interface DocumentCentroid {
  id: string;
  chunkCount: number;
  /** The mean of the document's unit-length chunk vectors; a zero or missing one ranks last. */
  centroid: Float32Array | null;
}

/** The documents whose chunks the documents path compares, nearest first, and how many chunks they hold. */
export interface NearestDocuments {
  ids: string[];
  chunks: number;
}

/** Ranked after every document with a direction: pgvector's cosine distance is at most 2, NaN for a zero vector. */
const NO_DIRECTION = 2;

/**
 * The documents path's choice, computed in the process from cached centroids exactly as its SQL computes it:
 * documents by the cosine distance of their centroid to the query (ties by id), each taken while the chunks of the
 * documents before it are under `budget`, so the one that crosses it is included.
 *
 * @example nearestDocuments(query, [{ id: 'a', chunkCount: 3, centroid }], 600) // { ids: ['a'], chunks: 3 }
 */
export function nearestDocuments(
  query: Float32Array,
  documents: readonly DocumentCentroid[],
  budget: number,
): NearestDocuments {
  const queryNorm = Math.sqrt(dot(query, query));
  const ranked = documents
    .map((document) => ({ document, distance: cosineDistance(query, queryNorm, document.centroid) }))
    .sort(
      (left, right) =>
        left.distance - right.distance ||
        (left.document.id < right.document.id ? -1 : left.document.id > right.document.id ? 1 : 0),
    );
  const ids: string[] = [];
  let chunks = 0;
  for (const { document } of ranked) {
    if (chunks >= budget) break;
    ids.push(document.id);
    chunks += document.chunkCount;
  }
  return { ids, chunks };
}

function cosineDistance(query: Float32Array, queryNorm: number, centroid: Float32Array | null): number {
  if (centroid === null || centroid.length !== query.length) return NO_DIRECTION;
  const distance = 1 - dot(query, centroid) / (queryNorm * Math.sqrt(dot(centroid, centroid)));
  return Number.isNaN(distance) ? NO_DIRECTION : distance;
}

function dot(left: Float32Array, right: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < left.length; index += 1)
    sum += (left[index] as number) * (right[index] as number);
  return sum;
}
