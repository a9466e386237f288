import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { openPgvectorIndex } from '../../src/adapters/vector/pgvector/index.js';
import type { PgvectorIndex } from '../../src/adapters/vector/pgvector/index.js';
import type { IndexedDocument } from '../../src/ports/vector-index.js';
import { ruleOfDocument } from './access-scenarios.js';
import { CHUNKS_PER_DOCUMENT, type ClusteredDataset } from './clustered-dataset.js';
import type { RetrievalTarget } from './retrieval-target.js';

const COLLECTION = 'bench';
const SCHEMA = 'slipway_bench_vectors';
// Planner knobs to measure other thresholds than the adapter's defaults (unset: the defaults).
const PLANNER = {
  ...(process.env.BENCH_PGVECTOR_EXACT_MAX
    ? { exactMaxChunks: Number(process.env.BENCH_PGVECTOR_EXACT_MAX) }
    : {}),
  ...(process.env.BENCH_PGVECTOR_EF_SEARCH ? { efSearch: Number(process.env.BENCH_PGVECTOR_EF_SEARCH) } : {}),
  ...(process.env.BENCH_PGVECTOR_DOCUMENTS_BUDGET
    ? { documentsChunkBudget: Number(process.env.BENCH_PGVECTOR_DOCUMENTS_BUDGET) }
    : {}),
};

/** The PostgreSQL both pgvector targets load into (BENCH_POSTGRES_URL; the service suites' database otherwise). */
export const BENCH_POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function* documentsOf(dataset: ClusteredDataset): Generator<IndexedDocument> {
  const { dimension, vectors } = dataset;
  for (const [position, document] of dataset.documents.entries()) {
    yield {
      collection: COLLECTION,
      documentId: `d${position}`,
      rule: ruleOfDocument(document),
      chunks: Array.from({ length: CHUNKS_PER_DOCUMENT }, (_, chunk) => {
        const offset = (position * CHUNKS_PER_DOCUMENT + chunk) * dimension;
        return {
          index: chunk,
          text: `chunk ${chunk} of document ${position}`,
          vector: vectors.subarray(offset, offset + dimension),
        };
      }),
    };
  }
}

/** Drops a bench schema left by an earlier, interrupted run, or this run's at close. */
export async function dropBenchSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * The pgvector adapter with its default planner: the filter in the SQL, row-level security under the retrieval
 * role, exact search over few allowed chunks and the HNSW walk with iterative scan over many.
 */
export function pgvectorTarget(): RetrievalTarget {
  let index: PgvectorIndex | undefined;
  return {
    name: 'pgvector',
    async load(dataset: ClusteredDataset) {
      await dropBenchSchema(SCHEMA);
      const loadStarted = performance.now();
      index = await openPgvectorIndex({ url: BENCH_POSTGRES_URL, schema: SCHEMA, poolSize: 2, ...PLANNER });
      await index.createCollection({ name: COLLECTION, dimension: dataset.dimension });
      // Rows in batches, then the HNSW index built once over all of them.
      await index.importDocuments(COLLECTION, documentsOf(dataset));
      const loadSeconds = (performance.now() - loadStarted) / 1_000;
      const prepareStarted = performance.now();
      await index.pool.query(`VACUUM ANALYZE ${SCHEMA}.documents, ${SCHEMA}.chunks`);
      return { loadSeconds, prepareSeconds: (performance.now() - prepareStarted) / 1_000 };
    },
    async search(query, k, filter) {
      const result = await (index as PgvectorIndex).search({
        collection: COLLECTION,
        vector: query,
        k,
        filter,
      });
      return {
        keys: result.chunks.map((chunk) => `${chunk.documentId}#${chunk.chunkIndex}`),
        path: result.decision.path,
      };
    },
    async close() {
      await index?.close();
      await dropBenchSchema(SCHEMA);
    },
  };
}
