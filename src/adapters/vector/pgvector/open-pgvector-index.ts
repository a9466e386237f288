import pg from 'pg';
import type { WalkTrustSettings } from '../../../core/retrieval/walk-trust.js';
import { checkIdentifier, quoted, type PgvectorNames } from './pgvector-names.js';
import { PgvectorIndex } from './pgvector-index.js';
import { migratePgvectorSchema } from './pgvector-schema.js';

/** Where the index lives, whom searches run as, and how its planner chooses; all but the connection defaulted. */
export type PgvectorIndexOptions = (
  | {
      /** A libpq connection URL; the index opens its own pool and ends it on close. */
      url: string;
      /** Connections in that pool (default 10). */
      poolSize?: number;
    }
  | {
      /** A pool shared with the caller, who ends it; queries name every object with its schema. */
      pool: pg.Pool;
    }
) & {
  /** The index's own schema, created when missing (default `slipway_vectors`). */
  schema?: string;
  /** The NOLOGIN role searches run as, created when missing (default `slipway_retrieval`). */
  role?: string;
  /** Up to this many allowed chunks a search compares them all exactly (default 2,000). */
  exactMaxChunks?: number;
  /**
   * Up to this many allowed chunks (and above `exactMaxChunks`) a search walks the HNSW index only for a principal
   * whose walks have matched exact searches, and is exact otherwise; above it, every search walks (default 10,000).
   */
  checkedMaxChunks?: number;
  /** `hnsw.ef_search` of the filtered walk (default 160). */
  efSearch?: number;
  /** `hnsw.max_scan_tuples` of the filtered walk (default 100,000). */
  maxScanTuples?: number;
  /**
   * Chunks the documents path compares: those of the allowed documents nearest the query, up to this many
   * (default 600). It answers, in the checked zone, for a principal whose walks miss but whose nearest documents
   * have matched exact searches.
   */
  documentsChunkBudget?: number;
  /**
   * How much checking against exact searches a principal's walk, or its nearest documents, needs before it answers
   * in the checked zone (default for both: 8 checks averaging recall 0.98, then one every 16th search).
   */
  trust?: { walk?: WalkTrustSettings; documents?: WalkTrustSettings };
  /** HNSW graph degree of each collection's index (default 16). */
  m?: number;
  /** HNSW build beam (default 200). */
  efConstruction?: number;
};

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Connects to PostgreSQL, creates (or updates) the pgvector extension, the retrieval role and the index's schema,
 * and checks that row-level security will hold: the retrieval role must be neither a superuser nor able to bypass
 * RLS, and the connecting role must be able to switch to it. Refuses to open otherwise.
 * @example const index = await openPgvectorIndex({ url: 'postgres://slipway@db:5432/slipway' });
 */
export async function openPgvectorIndex(options: PgvectorIndexOptions): Promise<PgvectorIndex> {
  const schema = checkIdentifier(options.schema ?? 'slipway_vectors', 'schema');
  const role = checkIdentifier(options.role ?? 'slipway_retrieval', 'role');
  const ownsPool = !('pool' in options);
  const pool =
    'pool' in options
      ? options.pool
      : new pg.Pool({
          connectionString: options.url,
          max: options.poolSize ?? 10,
          connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
          application_name: 'slipway-vectors',
        });
  // A broken idle connection is dropped by the pool; without a listener pg would end the process.
  if (ownsPool) pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    let names: PgvectorNames;
    try {
      names = await migratePgvectorSchema(client, { schema: quoted(schema), role: quoted(role) });
      await checkRetrievalRole(client, names);
    } finally {
      client.release();
    }
    return new PgvectorIndex(pool, {
      names,
      ownsPool,
      trust: options.trust ?? {},
      planner: Object.freeze({
        // Exact up to 2,000 (1 % of 100,000 chunks and below: recall must be 1.0 there, and an exact search of
        // 2,000 chunks costs about as much as a walk). Up to 10,000 a walk's recall depends on the filter's shape
        // (0.997 when the allowed chunks are spread over every topic, 0.87 when they are whole topics, at 10 % of
        // 100,000 chunks), so each principal's walks are checked against exact searches before they answer.
        exactMaxChunks: options.exactMaxChunks ?? 2_000,
        checkedMaxChunks: options.checkedMaxChunks ?? 10_000,
        // 160: at 100,000 chunks ef_search 40 left walk recall at 0.98 (independent 50 %), 0.96 (correlated 50 %)
        // and 0.983 with misses down to 0.2 (independent 10 %, which then failed its checks); 160 gives 1.0, 0.989
        // and 0.997 for about 1 ms more a walk (correlated 10 % stays at 0.89 whatever ef_search, so its checks fail).
        efSearch: options.efSearch ?? 160,
        maxScanTuples: options.maxScanTuples ?? 100_000,
        // 600 of the 10,000 chunks allowed at 10 % of 100,000 (75 documents of 8): recall 0.99 in 8 ms where the
        // exact search takes 18–22 ms and the walk reaches 0.89 (filter following topics, see the decision record).
        documentsChunkBudget: options.documentsChunkBudget ?? 600,
      }),
      // A beam of 200 rather than pgvector's 64: at 100,000 clustered chunks the default graph capped a filtered
      // walk's recall at 0.94–0.96 whatever ef_search; this one reaches 0.99–1.0 at ef_search 40.
      hnsw: Object.freeze({ m: options.m ?? 16, efConstruction: options.efConstruction ?? 200 }),
    });
  } catch (error) {
    if (ownsPool) await pool.end();
    throw error;
  }
}

/** Proves the connecting role may switch to the retrieval role and that it can read the schema. */
async function checkRetrievalRole(client: pg.PoolClient, names: PgvectorNames): Promise<void> {
  await client.query('BEGIN READ ONLY');
  try {
    await client.query(`SET LOCAL ROLE ${names.role}`);
    await client.query(`SELECT count(*) FROM ${names.schema}.chunks WHERE false`);
  } finally {
    await client.query('ROLLBACK');
  }
}
