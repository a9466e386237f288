import pg from 'pg';
import { DOCUMENTS_FORCING } from '../../../core/retrieval/documents-forcing.js';
import type { VectorIndex } from '../../../ports/vector-index.js';
import { openPgvectorIndex, type PgvectorIndexOptions } from './index.js';
import type { PgvectorIndex } from './pgvector-index.js';

interface OpenOptions {
  planner?: keyof typeof FORCING;
  documentsChunkBudget?: number;
  schema?: string;
  role?: string;
}

/** Thresholds that send every search with an allowed chunk down one path, even on a tiny collection. */
const FORCING = {
  auto: {},
  exact: { exactMaxChunks: Number.MAX_SAFE_INTEGER },
  hnsw: { exactMaxChunks: 0, checkedMaxChunks: 0 },
  /** Every search with an allowed chunk in the zone where a principal's walk answers once it has matched. */
  checked: { exactMaxChunks: 0, checkedMaxChunks: Number.MAX_SAFE_INTEGER },
  documents: DOCUMENTS_FORCING,
} as const;

/**
 * Opens pgvector indexes on `url` for a test file, each in a schema of its own named after the run, and drops
 * every one of those schemas on `dropAll` (call it in `afterAll`).
 * @example const indexes = pgvectorIndexesForTest(url); describeVectorIndex('pgvector', indexes.open);
 */
export function pgvectorIndexesForTest(url: string): {
  open: (planner: keyof typeof FORCING) => Promise<VectorIndex>;
  openIndex: (options?: OpenOptions) => Promise<PgvectorIndex>;
  dropAll: () => Promise<void>;
} {
  const run = `slipway_vectors_test_${process.pid}_${Date.now().toString(36)}`;
  const schemas: string[] = [];
  const openIndex = async (options: OpenOptions = {}): Promise<PgvectorIndex> => {
    const schema = options.schema ?? `${run}_${schemas.length}`;
    if (!schemas.includes(schema)) schemas.push(schema);
    const planned: PgvectorIndexOptions = {
      url,
      schema,
      poolSize: 4,
      ...(options.role === undefined ? {} : { role: options.role }),
      ...(options.documentsChunkBudget === undefined
        ? {}
        : { documentsChunkBudget: options.documentsChunkBudget }),
      ...FORCING[options.planner ?? 'auto'],
    };
    return openPgvectorIndex(planned);
  };
  return {
    open: (planner) => openIndex({ planner }),
    openIndex,
    async dropAll() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
