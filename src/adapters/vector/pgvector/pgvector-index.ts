import type pg from 'pg';
import { parseAccessRule, type AccessRule } from '../../../core/access/access-rule.js';
import { SlipwayError, toSlipwayError } from '../../../core/errors.js';
import type {
  ChunkReadRequest,
  ChunkRef,
  DocumentRef,
  IndexedDocument,
  VectorCollection,
  VectorIndex,
  VectorSearchRequest,
  VectorSearchResult,
} from '../../../ports/vector-index.js';
import { checkChunks, checkK, checkName, checkVector } from '../embedded/vector-input.js';
import { AllowedCountCache } from './allowed-count-cache.js';
import { CentroidCache } from './centroid-cache.js';
import { checkAccessFilter } from './check-access-filter.js';
import { checkChunkRefs } from '../../../core/retrieval/check-chunk-refs.js';
import { readChunksInTransaction } from './pgvector-read-chunks.js';
import type { PgvectorNames } from './pgvector-names.js';
import { HNSW_MAX_DIMENSION, searchCollection, type PgvectorPlannerSettings } from './pgvector-search.js';
import { toArrayLiteral } from './array-literal.js';
import { documentCentroid } from '../../../core/retrieval/document-centroid.js';
import { vectorLiteral } from './vector-literal.js';
import {
  plannerTrust,
  type PlannerTrust,
  type WalkTrustSettings,
} from '../../../core/retrieval/walk-trust.js';

/** pgvector's `vector` type holds at most 16,000 dimensions. */
const MAX_DIMENSION = 16_000;
/** Principals whose allowed-chunk counts are kept per index: 1,000 principals in 500 groups is about 3 MB. */
const ALLOWED_COUNTS_KEPT = 1_000;
/**
 * Bytes of document centroids kept for the documents path (see centroid-cache.ts): 64 MiB holds about 40,000
 * documents of 384 dimensions, or 10,000 of 1,536.
 */
const CENTROID_CACHE_BYTES = 64 * 1024 * 1024;
/** Chunk rows per INSERT of an import: about 2 MB of statement for 384-dimension vectors. */
const IMPORT_BATCH = 500;

interface CollectionRow {
  id: number;
  dimension: number;
}

/** The HNSW build parameters of every collection's index. */
interface HnswBuildSettings {
  m: number;
  efConstruction: number;
}

/**
 * The pgvector VectorIndex: rows in its own PostgreSQL schema, the access filter in the SQL of every search and
 * row-level security under a role that cannot bypass it as a second wall; exact search over the allowed chunks
 * when they are few, the collection's HNSW index with pgvector's iterative scan when they are many, and in between
 * the walk only for principals whose walks have matched exact searches.
 */
export class PgvectorIndex implements VectorIndex {
  #closed = false;
  readonly #collections = new Map<string, CollectionRow>();
  readonly #counts = new AllowedCountCache(ALLOWED_COUNTS_KEPT);
  readonly #trust: PlannerTrust;
  readonly #centroids = new CentroidCache(CENTROID_CACHE_BYTES);

  constructor(
    readonly pool: pg.Pool,
    readonly options: {
      names: PgvectorNames;
      planner: PgvectorPlannerSettings;
      hnsw: HnswBuildSettings;
      /** True when the index created the pool and so ends it on close. */
      ownsPool: boolean;
      /** How much checking a principal's walk, or nearest documents, needs before answering (see walk-trust.ts). */
      trust: { walk?: WalkTrustSettings; documents?: WalkTrustSettings };
    },
  ) {
    this.#trust = plannerTrust(ALLOWED_COUNTS_KEPT, options.trust);
  }

  async createCollection(collection: { name: string; dimension: number }): Promise<void> {
    const name = checkText(checkName(collection.name, 'collection'), 'collection');
    const { dimension } = collection;
    if (!Number.isInteger(dimension) || dimension < 1 || dimension > MAX_DIMENSION) {
      throw new SlipwayError('invalid_request', `dimension must be an integer from 1 to ${MAX_DIMENSION}`, {
        param: 'dimension',
      });
    }
    this.#open();
    await this.#transaction(null, async (client) => {
      const { schema } = this.options.names;
      const inserted = await client.query<CollectionRow>(
        `INSERT INTO ${schema}.collections (name, dimension) VALUES ($1, $2)
         ON CONFLICT (name) DO NOTHING RETURNING id, dimension`,
        [name, dimension],
      );
      const created = inserted.rows[0];
      if (created) {
        await this.#createHnswIndex(client, created);
        return;
      }
      const found = await client.query<CollectionRow>(
        `SELECT id, dimension FROM ${schema}.collections WHERE name = $1`,
        [name],
      );
      const existing = found.rows[0] as CollectionRow;
      if (existing.dimension !== dimension) {
        throw new SlipwayError(
          'conflict',
          `Collection "${name}" exists with dimension ${existing.dimension}, not ${dimension}`,
          { param: 'dimension' },
        );
      }
    });
  }

  async getCollection(name: string): Promise<VectorCollection | null> {
    this.#open();
    const found = await this.pool.query<{ dimension: number; documents: number; chunks: string }>(
      `SELECT dimension, documents, chunks FROM ${this.options.names.schema}.collections WHERE name = $1`,
      [name],
    );
    const row = found.rows[0];
    if (!row) return null;
    return { name, dimension: row.dimension, documents: row.documents, chunks: Number(row.chunks) };
  }

  async replaceDocument(document: IndexedDocument): Promise<void> {
    this.#open();
    const documentId = checkText(checkName(document.documentId, 'document_id'), 'document_id');
    const rule = parseAccessRule(document.rule);
    const collection = await this.#known(document.collection);
    checkDocumentChunks(document, collection.dimension);
    await this.#transaction(collection, async (client) => {
      const removed = await client.query<{ chunk_count: number }>(
        `DELETE FROM ${this.options.names.schema}.documents WHERE collection_id = $1 AND document_id = $2
         RETURNING chunk_count`,
        [collection.id, documentId],
      );
      const before = removed.rows[0];
      await this.#insertDocuments(client, collection.id, {
        documents: [{ ...document, documentId, rule }],
        counts: { documents: before ? 0 : 1, chunks: document.chunks.length - (before?.chunk_count ?? 0) },
      });
    });
  }

  /**
   * Adds many new documents to a collection at once, much faster than `replaceDocument` one by one: the
   * collection's HNSW index is dropped, the rows inserted in batches, and the index built again over all of them.
   * All or nothing; a document id already in the collection is `conflict`. Searches wait for it to finish.
   */
  async importDocuments(name: string, documents: Iterable<IndexedDocument>): Promise<void> {
    this.#open();
    const collection = await this.#known(name);
    await this.#transaction(collection, async (client) => {
      await client.query(`DROP INDEX IF EXISTS ${this.options.names.schema}.${hnswIndexName(collection.id)}`);
      let batch: IndexedDocument[] = [];
      let counts = { documents: 0, chunks: 0 };
      for (const document of documents) {
        const documentId = checkText(checkName(document.documentId, 'document_id'), 'document_id');
        checkDocumentChunks(document, collection.dimension);
        batch.push({ ...document, documentId, rule: parseAccessRule(document.rule) });
        counts = { documents: counts.documents + 1, chunks: counts.chunks + document.chunks.length };
        if (counts.chunks >= IMPORT_BATCH) {
          await this.#insertDocuments(client, collection.id, { documents: batch, counts });
          batch = [];
          counts = { documents: 0, chunks: 0 };
        }
      }
      if (batch.length > 0) await this.#insertDocuments(client, collection.id, { documents: batch, counts });
      // The HNSW graph of 100,000 384-dimension vectors is about 200 MB; built within memory it is far faster.
      await client.query(`SET LOCAL maintenance_work_mem = '1GB'`);
      await this.#createHnswIndex(client, collection);
    });
  }

  async deleteDocument(document: DocumentRef): Promise<boolean> {
    this.#open();
    const collection = await this.#known(document.collection);
    const { schema } = this.options.names;
    // One statement, so no transaction: the chunks go with their document (ON DELETE CASCADE).
    const deleted = await this.#query<{ removed: string }>(
      `WITH removed AS (
         DELETE FROM ${schema}.documents WHERE collection_id = $1 AND document_id = $2 RETURNING chunk_count)
       UPDATE ${schema}.collections
          SET documents = documents - (SELECT count(*) FROM removed),
              chunks = chunks - (SELECT coalesce(sum(chunk_count), 0) FROM removed), version = version + 1
        WHERE id = $1
       RETURNING (SELECT count(*) FROM removed) AS removed`,
      [collection.id, document.documentId],
    );
    return Number(deleted.rows[0]?.removed ?? 0) > 0;
  }

  async setAccessRule(document: DocumentRef, rule: AccessRule): Promise<void> {
    this.#open();
    const parsed = parseAccessRule(rule);
    const collection = await this.#known(document.collection);
    const { schema } = this.options.names;
    // The document's rule, its chunks' copies and the collection's version, in one statement: no search sees them
    // disagree, and no search reuses an allowed count from before the change.
    const updated = await this.#query<{ updated: string }>(
      `WITH document AS (
         UPDATE ${schema}.documents
            SET allow_everyone = $3, allow_users = $4, allow_groups = $5, allow_roles = $6, classification = $7
          WHERE collection_id = $1 AND document_id = $2
         RETURNING document_id),
       chunks AS (
         UPDATE ${schema}.chunks
            SET allow_everyone = $3, allow_users = $4, allow_groups = $5, allow_roles = $6, classification = $7
          WHERE collection_id = $1 AND document_id = $2 AND EXISTS (SELECT FROM document)),
       changed AS (
         UPDATE ${schema}.collections SET version = version + 1 WHERE id = $1 AND EXISTS (SELECT FROM document))
       SELECT count(*) AS updated FROM document`,
      [
        collection.id,
        document.documentId,
        parsed.everyone,
        [...parsed.users],
        [...parsed.groups],
        [...parsed.roles],
        parsed.classification,
      ],
    );
    if (Number(updated.rows[0]?.updated ?? 0) === 0) {
      throw new SlipwayError('not_found', `No document "${document.documentId}" in "${document.collection}"`);
    }
  }

  async search(request: VectorSearchRequest): Promise<VectorSearchResult> {
    this.#open();
    const k = checkK(request.k);
    const filter = checkAccessFilter(request.filter);
    const collection = await this.#known(request.collection);
    const vector = checkVector(request.vector, collection.dimension);
    const client = await this.#connect();
    try {
      return await searchCollection(client, {
        names: this.options.names,
        settings: this.options.planner,
        collection,
        vector,
        k,
        filter,
        counts: this.#counts,
        trust: this.#trust,
        centroids: this.#centroids,
      });
    } catch (error) {
      // Fail closed: whatever went wrong while deciding access, no chunk leaves.
      await client.query('ROLLBACK').catch(() => undefined);
      throw toSlipwayError(error);
    } finally {
      client.release();
    }
  }

  async readChunks(request: ChunkReadRequest): Promise<Array<ChunkRef & { text: string }>> {
    this.#open();
    checkChunkRefs(request.chunks);
    const filter = checkAccessFilter(request.filter);
    const collection = await this.#known(request.collection).catch((error: unknown) => {
      if (error instanceof SlipwayError && error.code === 'not_found') return null;
      throw error;
    });
    if (collection === null || request.chunks.length === 0) return [];
    const client = await this.#connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const chunks = await readChunksInTransaction(client, {
        names: this.options.names,
        collectionId: collection.id,
        chunks: request.chunks,
        filter,
      });
      await client.query('COMMIT');
      return chunks;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw toSlipwayError(error);
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.options.ownsPool) await this.pool.end();
  }

  /** The collection's id and dimension; both are fixed at creation and collections are never dropped. */
  async #known(name: string): Promise<CollectionRow> {
    const cached = this.#collections.get(name);
    if (cached) return cached;
    const found = await this.#query<CollectionRow>(
      `SELECT id, dimension FROM ${this.options.names.schema}.collections WHERE name = $1`,
      [name],
    );
    const row = found.rows[0];
    if (!row) throw notFound(name);
    this.#collections.set(name, row);
    return row;
  }

  /**
   * Inserts documents and their chunks and adds `counts` to the collection's totals, in one statement: foreign
   * keys are checked at its end, when the documents of the first sub-statement are there.
   */
  async #insertDocuments(
    client: pg.PoolClient,
    collectionId: number,
    batch: { documents: readonly IndexedDocument[]; counts: { documents: number; chunks: number } },
  ): Promise<void> {
    const { documents, counts } = batch;
    const { schema, extension } = this.options.names;
    const chunks = documents.flatMap((document) =>
      document.chunks.map((chunk) => ({ documentId: document.documentId, chunk })),
    );
    await client.query(
      `WITH documents_in AS (
         INSERT INTO ${schema}.documents (collection_id, document_id, allow_everyone, allow_users, allow_groups,
           allow_roles, classification, chunk_count, centroid)
         SELECT $1, document_id, everyone, users::text[], groups::text[], roles::text[], classification, chunk_count,
                centroid::${extension}.vector
           FROM unnest($2::text[], $3::boolean[], $4::text[], $5::text[], $6::text[], $7::text[], $8::integer[],
                       $15::text[])
             AS input(document_id, everyone, users, groups, roles, classification, chunk_count, centroid)
         RETURNING document_id, allow_everyone, allow_users, allow_groups, allow_roles, classification),
       chunks_in AS (
         INSERT INTO ${schema}.chunks (collection_id, document_id, chunk_index, text, embedding, allow_everyone,
           allow_users, allow_groups, allow_roles, classification)
         SELECT $1, input.document_id, chunk_index, text, embedding::${extension}.vector, rule.allow_everyone,
                rule.allow_users, rule.allow_groups, rule.allow_roles, rule.classification
           FROM unnest($9::text[], $10::integer[], $11::text[], $12::text[])
             AS input(document_id, chunk_index, text, embedding)
           JOIN documents_in rule ON rule.document_id = input.document_id)
       UPDATE ${schema}.collections
          SET documents = documents + $13, chunks = chunks + $14, version = version + 1
        WHERE id = $1`,
      [
        collectionId,
        documents.map((document) => document.documentId),
        documents.map((document) => document.rule.everyone),
        // Subject lists travel as one array literal per document: SQL has no ragged two-dimensional arrays.
        documents.map((document) => toArrayLiteral(document.rule.users)),
        documents.map((document) => toArrayLiteral(document.rule.groups)),
        documents.map((document) => toArrayLiteral(document.rule.roles)),
        documents.map((document) => document.rule.classification),
        documents.map((document) => document.chunks.length),
        chunks.map(({ documentId }) => documentId),
        chunks.map(({ chunk }) => chunk.index),
        chunks.map(({ chunk }) => chunk.text),
        chunks.map(({ chunk }) => vectorLiteral(chunk.vector)),
        counts.documents,
        counts.chunks,
        documents.map((document) => {
          const centroid = documentCentroid(document.chunks.map((chunk) => chunk.vector));
          return centroid === null ? null : vectorLiteral(centroid);
        }),
      ],
    );
  }

  async #createHnswIndex(client: pg.PoolClient, collection: CollectionRow): Promise<void> {
    if (collection.dimension > HNSW_MAX_DIMENSION) return;
    const { schema, extension } = this.options.names;
    const { m, efConstruction } = this.options.hnsw;
    // A partial index per collection over a cast to its dimension: the column itself is untyped, and a query
    // uses this index only when it repeats the same cast and the same literal collection id.
    await client.query(
      `CREATE INDEX IF NOT EXISTS ${hnswIndexName(collection.id)} ON ${schema}.chunks
       USING hnsw ((embedding::${extension}.vector(${collection.dimension})) ${extension}.vector_cosine_ops)
       WITH (m = ${m}, ef_construction = ${efConstruction})
       WHERE collection_id = ${collection.id}`,
    );
  }

  /**
   * Runs `work` in a transaction holding the collection's row lock (when there is one yet): writers of one collection take turns, so
   * that two replacements of one new document cannot both find nothing to delete.
   */
  async #transaction<T>(
    collection: CollectionRow | null,
    work: (client: pg.PoolClient) => Promise<T>,
  ): Promise<T> {
    const client = await this.#connect();
    try {
      const lock = `SELECT 1 FROM ${this.options.names.schema}.collections WHERE id = ${collection?.id} FOR UPDATE`;
      await client.query(collection ? `BEGIN; ${lock}` : 'BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw toSlipwayError(error);
    } finally {
      client.release();
    }
  }

  async #query<Row extends pg.QueryResultRow>(sql: string, values: unknown[]): Promise<pg.QueryResult<Row>> {
    try {
      return await this.pool.query<Row>(sql, values);
    } catch (error) {
      throw toSlipwayError(error);
    }
  }

  async #connect(): Promise<pg.PoolClient> {
    try {
      return await this.pool.connect();
    } catch (error) {
      throw toSlipwayError(error);
    }
  }

  #open(): void {
    if (this.#closed) throw new SlipwayError('internal_error', 'The vector index is closed');
  }
}

function checkDocumentChunks(document: IndexedDocument, dimension: number): void {
  checkChunks(document.chunks, dimension);
  for (const chunk of document.chunks) checkText(chunk.text, 'chunks');
}

/** PostgreSQL's text cannot hold U+0000; refuse it as bad input rather than fail inside the statement. */
function checkText(value: string, param: string): string {
  if (value.includes('\u0000')) {
    throw new SlipwayError('invalid_request', `${param} must not contain the character U+0000`, { param });
  }
  return value;
}

const hnswIndexName = (collectionId: number): string => `chunks_hnsw_${collectionId}`;

const notFound = (name: string): SlipwayError =>
  new SlipwayError('not_found', `No collection named "${name}"`, { param: 'collection' });
