import { SeededRandom } from '../search/seeded-random.js';

/** Chunks per synthetic document: a document's chunks share its topic (cluster) and its access rule. */
export const CHUNKS_PER_DOCUMENT = 10;
/** Independent access groups `g0…g999` and one correlated group per cluster `c0…`. */
export const INDEPENDENT_GROUPS = 1_000;

export interface ClusteredDataset {
  dimension: number;
  /** Unit vectors, chunk i at [i*dimension, (i+1)*dimension). */
  vectors: Float32Array;
  chunkCount: number;
  clusterCount: number;
  /** Per document: its topic cluster and its independent group. */
  documents: { cluster: number; group: number }[];
  queries: Float32Array[];
}

function gaussian(random: SeededRandom): number {
  const u = Math.max(random.next(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}

function normalise(vector: Float32Array): Float32Array {
  let squares = 0;
  for (const value of vector) squares += value * value;
  const scale = 1 / Math.sqrt(squares);
  for (let index = 0; index < vector.length; index += 1) vector[index] = (vector[index] as number) * scale;
  return vector;
}

/** `center` plus isotropic noise whose total norm is about `spread`, scaled to unit length. */
function around(center: Float32Array, spread: number, random: SeededRandom): Float32Array {
  const sigma = spread / Math.sqrt(center.length);
  return normalise(center.map((value) => value + sigma * gaussian(random)));
}

/**
 * Clustered synthetic embeddings that make approximate search work for its recall: topics (clusters) nested in a
 * few themes, so neighbouring clusters overlap, and chunk noise as large as the distance between related topics,
 * so a query's true neighbours come from several clusters. Uniform random vectors would make every neighbour
 * equally far and recall meaningless; tight separate clusters (as in a first measurement here) make it trivial.
 */
export function makeClusteredDataset(options: {
  chunks: number;
  dimension: number;
  queries: number;
  seed: number;
}): ClusteredDataset {
  const random = new SeededRandom(options.seed);
  const { dimension } = options;
  const documentCount = Math.ceil(options.chunks / CHUNKS_PER_DOCUMENT);
  const clusterCount = Math.max(10, Math.round(options.chunks / 100));
  const themeCount = Math.max(4, Math.round(clusterCount / 16));
  const unitNoise = (): Float32Array =>
    normalise(Float32Array.from({ length: dimension }, () => gaussian(random)));
  const themes = Array.from({ length: themeCount }, unitNoise);
  const clusters = Array.from({ length: clusterCount }, () => around(random.pick(themes), 0.9, random));
  const documents = Array.from({ length: documentCount }, () => ({
    cluster: random.integer(clusterCount),
    group: random.integer(INDEPENDENT_GROUPS),
  }));
  const vectors = new Float32Array(documentCount * CHUNKS_PER_DOCUMENT * dimension);
  for (const [position, document] of documents.entries()) {
    const topic = around(clusters[document.cluster] as Float32Array, 0.5, random);
    for (let chunk = 0; chunk < CHUNKS_PER_DOCUMENT; chunk += 1) {
      vectors.set(around(topic, 0.7, random), (position * CHUNKS_PER_DOCUMENT + chunk) * dimension);
    }
  }
  const queries = Array.from({ length: options.queries }, () =>
    around(clusters[random.integer(clusterCount)] as Float32Array, 0.9, random),
  );
  return {
    dimension,
    vectors,
    chunkCount: documentCount * CHUNKS_PER_DOCUMENT,
    clusterCount,
    documents,
    queries,
  };
}
