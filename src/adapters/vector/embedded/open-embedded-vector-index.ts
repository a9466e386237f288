import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { VectorIndex } from '../../../ports/vector-index.js';
import type { WalkTrustSettings } from '../../../core/retrieval/walk-trust.js';
import { EmbeddedVectorIndex } from './embedded-vector-index.js';
import { migrateVectorSchema } from './vector-schema.js';

/** Where the index lives and how its planner chooses; every field but `path` has a measured default. */
export interface EmbeddedVectorIndexOptions {
  /** Its own SQLite file, e.g. `<dataDir>/vectors.sqlite`; `:memory:` for a private index that is not kept. */
  path: string;
  /** Up to this many allowed chunks a search scans them exactly (default 5,000). */
  exactMaxChunks?: number;
  /**
   * Up to this many allowed chunks (default 10,000, as pgvector's), a principal's walk or nearest documents answer
   * only once checks against exact scans have matched; above it every search walks.
   */
  checkedMaxChunks?: number;
  /** Chunks the documents path compares, from the nearest allowed documents (default 600, as pgvector's). */
  documentsChunkBudget?: number;
  /**
   * How much checking against exact scans a principal's walk, or its nearest documents, needs before it answers
   * (default for both: 8 checks averaging recall 0.98, then one every 16th search).
   */
  trust?: { walk?: WalkTrustSettings; documents?: WalkTrustSettings };
  /** Collections with fewer live chunks never build an HNSW graph (default 10,000). */
  hnswMinChunks?: number;
  /** HNSW graph degree (default 16). */
  m?: number;
  /** HNSW build beam (default 100). */
  efConstruction?: number;
  /** HNSW search beam, at least k (default 64). */
  efSearch?: number;
}

/**
 * Opens (creating when missing) the embedded vector index and loads every collection into memory.
 * @example const index = openEmbeddedVectorIndex({ path: join(dataDir, 'vectors.sqlite') });
 */
export function openEmbeddedVectorIndex(options: EmbeddedVectorIndexOptions): VectorIndex {
  if (options.path !== ':memory:' && options.path !== '')
    mkdirSync(dirname(options.path), { recursive: true });
  const database = new BetterSqlite3(options.path);
  try {
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    // Deleted chunk text must not be readable back from free pages of the file.
    database.pragma('secure_delete = ON');
    migrateVectorSchema(database);
    return new EmbeddedVectorIndex(
      database,
      Object.freeze({
        exactMaxChunks: options.exactMaxChunks ?? 5_000,
        checkedMaxChunks: options.checkedMaxChunks ?? 10_000,
        documentsChunkBudget: options.documentsChunkBudget ?? 600,
        trust: options.trust ?? {},
        hnswMinChunks: options.hnswMinChunks ?? 10_000,
        hnsw: Object.freeze({
          m: options.m ?? 16,
          efConstruction: options.efConstruction ?? 100,
          efSearch: options.efSearch ?? 64,
        }),
      }),
    );
  } catch (error) {
    database.close();
    throw error;
  }
}
