import pg from 'pg';
import type { AccessFilter } from '../../../core/access/access-filter.js';
import { SlipwayError } from '../../../core/errors.js';
import type { RetrievalDecision, VectorSearchResult } from '../../../ports/vector-index.js';
import type { AllowedCount, AllowedCountCache } from './allowed-count-cache.js';
import { toArrayLiteral } from './array-literal.js';
import type { PgvectorNames } from './pgvector-names.js';
import { namesPrincipal, withinClearance, type PrincipalSql } from './pgvector-rule-predicate.js';
import { PRINCIPAL_SETTINGS } from './pgvector-schema.js';
import { vectorLiteral } from './vector-literal.js';

/** How the planner chooses between an exact scan of the allowed chunks and a filtered HNSW walk. */
export interface PgvectorPlannerSettings {
  /** Up to this many allowed chunks, a search compares every one of them. */
  exactMaxChunks: number;
  /** `hnsw.ef_search` for the walk (pgvector's default is 40). */
  efSearch: number;
  /** `hnsw.max_scan_tuples`: how far an iterative scan may go before it gives up (pgvector's default 20,000). */
  maxScanTuples: number;
}

/** pgvector indexes vectors of up to 2,000 dimensions with HNSW; wider collections are always searched exactly. */
export const HNSW_MAX_DIMENSION = 2_000;

interface SearchContext {
  names: PgvectorNames;
  settings: PgvectorPlannerSettings;
  collection: { id: number; dimension: number };
  vector: Float32Array;
  k: number;
  filter: AccessFilter;
  counts: AllowedCountCache;
}

type Path = RetrievalDecision['path'];

interface ScoredRow {
  document_id: string;
  chunk_index: number;
  text: string;
  distance: number;
}

interface CountRow {
  version: string;
  total: string;
  allowed?: string;
  unknown?: string;
}

const BEGIN = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

/**
 * One search, each attempt in one REPEATABLE READ transaction that it commits itself (the caller rolls back when
 * it throws). The allowed-chunk count (as the adapter's role, to see rules the principal's role cannot evaluate)
 * decides the path; then the principal's settings are set, the transaction drops to the retrieval role and reads
 * chunks through that path. Statements go several to a round trip (the simple protocol, values as quoted
 * literals), as each round trip costs about 0.1 ms against a walk of about 1 ms:
 * - with a count cached for this principal: one round trip, checking the collection's version in the same
 *   transaction; a changed version discards the answer (read through the filter and RLS all the same, so a
 *   stale path choice costs time, never access) and counts again;
 * - otherwise two: BEGIN and the count, then settings, search and COMMIT.
 * A walk that returns fewer than min(k, allowed) rows (it gave up at max_scan_tuples, or met unindexed zero
 * vectors) is replaced by an exact search in a new transaction that counts again, so its decision and its chunks
 * come from one snapshot.
 */
export async function searchCollection(
  client: pg.PoolClient,
  context: SearchContext,
): Promise<VectorSearchResult> {
  const { counts, collection, filter, k } = context;
  const cached = counts.get(collection.id, filter);
  if (cached) {
    const path = pathFor(context, cached.allowed);
    const batch = await searchBatch(client, context, { path, counting: false });
    if (batch.count?.version === cached.version) {
      if (batch.rows.length >= Math.min(k, cached.allowed)) return answerOf(path, cached, batch.rows);
      return searchExactly(client, context);
    }
  }
  const [, countResult] = await runBatch(client, [BEGIN, countStatement(context)]);
  const count = checkCount(countResult?.rows[0] as CountRow | undefined);
  counts.set(collection.id, filter, count);
  if (count.allowed === 0) {
    await client.query('COMMIT');
    return answerOf('exact', count, []);
  }
  const path = pathFor(context, count.allowed);
  const results = await runBatch(client, [
    enterStatement(context, path),
    searchStatement(context, path),
    'COMMIT',
  ]);
  const rows = (results[1]?.rows ?? []) as ScoredRow[];
  if (rows.length >= Math.min(k, count.allowed)) return answerOf(path, count, rows);
  return searchExactly(client, context);
}

/** The exact path in one round trip, counting in the same transaction. */
async function searchExactly(client: pg.PoolClient, context: SearchContext): Promise<VectorSearchResult> {
  const batch = await searchBatch(client, context, { path: 'exact', counting: true });
  return answerOf('exact', checkCount(batch.count), batch.rows);
}

/**
 * BEGIN, the count when `counting`, the principal's settings (with the collection's version and chunk count),
 * the search on `path`, and COMMIT, in one round trip. `count` is the count's row, or else the settings' row.
 */
async function searchBatch(
  client: pg.PoolClient,
  context: SearchContext,
  options: { path: Path; counting: boolean },
): Promise<{ count: CountRow | undefined; rows: ScoredRow[] }> {
  const { path, counting } = options;
  const statements = [
    BEGIN,
    ...(counting ? [countStatement(context)] : []),
    enterStatement(context, path),
    searchStatement(context, path),
    'COMMIT',
  ];
  const results = await runBatch(client, statements);
  return {
    count: results[1]?.rows[0] as CountRow | undefined,
    rows: (results[statements.length - 2]?.rows ?? []) as ScoredRow[],
  };
}

/** Statements joined into one simple-protocol query: pg answers with one result per statement. */
async function runBatch(client: pg.PoolClient, statements: string[]): Promise<pg.QueryResult[]> {
  const results = (await client.query(statements.join(';\n'))) as pg.QueryResult | pg.QueryResult[];
  return Array.isArray(results) ? results : [results];
}

function checkCount(row: CountRow | undefined): AllowedCount {
  if (!row) throw new SlipwayError('not_found', 'The collection of this search no longer exists');
  if (Number(row.unknown) > 0) {
    throw new SlipwayError(
      'internal_error',
      'An access rule naming this principal has a classification that is not a configured level',
    );
  }
  return { version: row.version, allowed: Number(row.allowed), total: Number(row.total) };
}

function pathFor(context: SearchContext, allowed: number): Path {
  const walk =
    allowed > context.settings.exactMaxChunks && context.collection.dimension <= HNSW_MAX_DIMENSION;
  return walk ? 'hnsw' : 'exact';
}

function answerOf(path: Path, count: AllowedCount, rows: ScoredRow[]): VectorSearchResult {
  const decision = { path, allowedChunks: count.allowed, deniedChunks: count.total - count.allowed };
  return {
    chunks: rows.map(toChunk),
    decision: { ...decision, candidatesExamined: path === 'hnsw' ? rows.length : count.allowed },
  };
}

/** The filter as quoted SQL literals (pg's `escapeLiteral`, which also handles backslashes). */
function principalLiterals(filter: AccessFilter): PrincipalSql {
  const list = (values: readonly string[]): string => `${pg.escapeLiteral(toArrayLiteral(values))}::text[]`;
  return {
    user: filter.userId === null ? 'NULL' : pg.escapeLiteral(filter.userId),
    groups: list(filter.groups),
    roles: list(filter.roles),
    readable: list(filter.readableLevels),
  };
}

/**
 * The collection's version and live chunk count, the principal's allowed chunks, and the rules naming the
 * principal whose classification is not a configured level (any makes the search throw).
 */
function countStatement(context: SearchContext): string {
  const { names, collection, filter } = context;
  const principal = principalLiterals(filter);
  const levels = pg.escapeLiteral(toArrayLiteral(filter.levels));
  return `SELECT c.version::text AS version, c.chunks AS total, a.allowed, a.unknown
       FROM ${names.schema}.collections c CROSS JOIN LATERAL (
         SELECT coalesce(sum(d.chunk_count) FILTER (WHERE ${withinClearance('d', principal)}), 0) AS allowed,
                count(*) FILTER (WHERE d.classification IS NOT NULL AND NOT d.classification = ANY (${levels}::text[]))
                  AS unknown
           FROM ${names.schema}.documents d
          WHERE d.collection_id = c.id AND ${namesPrincipal('d', principal)}) a
      WHERE c.id = ${collection.id}`;
}

/**
 * Reads the collection's version (checked against a cached count) and sets the principal for the row-level
 * security policies, drops to the retrieval role and, for a walk, sets pgvector's knobs: all transaction-local.
 * relaxed_order lets the walk go on past ef_search until k rows pass the filter (the outer ORDER BY of the walk
 * puts them back in order). Seq, bitmap and sort plans are off for the
 * walk: PostgreSQL underestimates how many rows the rule lets through and, at high selectivity, would otherwise
 * sort every allowed chunk (40 ms at 50 % of 20,000) instead of walking (3 ms). Those disabled plans add a huge
 * cost to every plan, which makes PostgreSQL compile the query with JIT (190 ms): JIT is off, as it never pays
 * for a query of a few milliseconds.
 */
function enterStatement(context: SearchContext, path: Path): string {
  const { names, filter, settings, k } = context;
  const text = (value: string): string => pg.escapeLiteral(value);
  const list = (values: readonly string[]): string => text(toArrayLiteral(values));
  const knobs =
    path === 'hnsw'
      ? `, set_config('hnsw.iterative_scan', 'relaxed_order', true),
         set_config('hnsw.ef_search', '${Math.max(settings.efSearch, k)}', true),
         set_config('hnsw.max_scan_tuples', '${settings.maxScanTuples}', true),
         set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true),
         set_config('enable_sort', 'off', true)`
      : '';
  return `SELECT c.version::text AS version, c.chunks AS total,
            set_config('${PRINCIPAL_SETTINGS.user}', ${text(filter.userId ?? '')}, true),
            set_config('${PRINCIPAL_SETTINGS.groups}', ${list(filter.groups)}, true),
            set_config('${PRINCIPAL_SETTINGS.roles}', ${list(filter.roles)}, true),
            set_config('${PRINCIPAL_SETTINGS.readable}', ${list(filter.readableLevels)}, true),
            set_config('role', ${text(names.role.slice(1, -1))}, true), set_config('jit', 'off', true)${knobs}
       FROM ${names.schema}.collections c WHERE c.id = ${context.collection.id}`;
}

function searchStatement(context: SearchContext, path: Path): string {
  const { names, collection, filter, k } = context;
  const principal = principalLiterals(filter);
  const query = pg.escapeLiteral(vectorLiteral(context.vector));
  const vector = `${names.extension}.vector`;
  if (path === 'hnsw') {
    // The chunk row's own copy of the rule: the walk checks only the rows it visits, with no join. The cast and
    // the literal collection id repeat the partial index's, or PostgreSQL would not use it.
    const typed = `${vector}(${collection.dimension})`;
    return `SELECT document_id, chunk_index, text, coalesce(nullif(distance, 'NaN'), 1) AS distance FROM (
         SELECT ch.document_id, ch.chunk_index, ch.text,
                (ch.embedding::${typed}) OPERATOR(${names.extension}.<=>) ${query}::${typed} AS distance
           FROM ${names.schema}.chunks ch
          WHERE ch.collection_id = ${collection.id} AND ${namesPrincipal('ch', principal)}
            AND ${withinClearance('ch', principal)}
          ORDER BY distance
          LIMIT ${k}) nearest
        ORDER BY distance, document_id, chunk_index`;
  }
  // The allowed documents, then their chunks by primary key, ordered by a NaN-safe distance no index can serve.
  return `SELECT ch.document_id, ch.chunk_index, ch.text,
            coalesce(nullif(ch.embedding OPERATOR(${names.extension}.<=>) ${query}::${vector}, 'NaN'), 1) AS distance
       FROM ${names.schema}.documents d
       JOIN ${names.schema}.chunks ch ON ch.collection_id = d.collection_id AND ch.document_id = d.document_id
      WHERE d.collection_id = ${collection.id} AND ${namesPrincipal('d', principal)}
        AND ${withinClearance('d', principal)}
      ORDER BY distance, ch.document_id, ch.chunk_index
      LIMIT ${k}`;
}

const toChunk = (row: ScoredRow): VectorSearchResult['chunks'][number] => ({
  documentId: row.document_id,
  chunkIndex: row.chunk_index,
  text: row.text,
  score: 1 - row.distance,
});
