/** A document as the documents path ranks it: its chunk count and its centroid (null when it has none). */
export interface DocumentCentroid {
  id: string;
  chunkCount: number;
  /**
   * The direction of the mean of the document's unit-length chunk vectors, at unit length (see `unitCentroid`);
   * null for a zero or missing one, which ranks last.
   */
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
 * A stored centroid at unit length, so that ranking takes one dot product per document; null for a zero vector
 * (pgvector's cosine distance to it is NaN, which the SQL ranks last).
 * @example unitCentroid(Float32Array.of(3, 4)) // Float32Array [0.6, 0.8]
 */
export function unitCentroid(centroid: Float32Array): Float32Array | null {
  const norm = Math.sqrt(dot(centroid, centroid));
  return norm > 0 && Number.isFinite(norm) ? centroid.map((value) => value / norm) : null;
}

/**
 * The documents path's choice, computed in the process from cached centroids as its SQL computes it: documents by
 * the cosine distance of their centroid to the query (ties by id), each taken while the chunks of the documents
 * before it are under `budget`, so the one that crosses it is included.
 *
 * @example nearestDocuments(query, [{ id: 'a', chunkCount: 3, centroid }], 600) // { ids: ['a'], chunks: 3 }
 */
export function nearestDocuments(
  query: Float32Array,
  documents: readonly DocumentCentroid[],
  budget: number,
): NearestDocuments {
  const queryNorm = Math.sqrt(dot(query, query));
  const distances = new Float64Array(documents.length);
  documents.forEach((document, position) => {
    const { centroid } = document;
    const distance =
      centroid === null || centroid.length !== query.length ? NaN : 1 - dot(query, centroid) / queryNorm;
    distances[position] = Number.isNaN(distance) ? NO_DIRECTION : distance;
  });
  const idOf = (position: number): string => (documents[position] as DocumentCentroid).id;
  const order = Int32Array.from(documents.keys()).sort(
    (left, right) =>
      (distances[left] as number) - (distances[right] as number) ||
      (idOf(left) < idOf(right) ? -1 : idOf(left) > idOf(right) ? 1 : 0),
  );
  const ids: string[] = [];
  let chunks = 0;
  for (const position of order) {
    if (chunks >= budget) break;
    const document = documents[position] as DocumentCentroid;
    ids.push(document.id);
    chunks += document.chunkCount;
  }
  return { ids, chunks };
}

function dot(left: Float32Array, right: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < left.length; index += 1)
    sum += (left[index] as number) * (right[index] as number);
  return sum;
}
