import pg from 'pg';
import type { AccessFilter } from '../../../core/access/access-filter.js';
import { SlipwayError } from '../../../core/errors.js';
import type { RetrievalDecision, VectorSearchResult } from '../../../ports/vector-index.js';
import type { AllowedCount, AllowedCountCache } from './allowed-count-cache.js';
import { toArrayLiteral } from './array-literal.js';
import type { CentroidCache } from './centroid-cache.js';
import { nearestDocuments, unitCentroid } from '../../../core/retrieval/nearest-documents.js';
import type { PgvectorNames } from './pgvector-names.js';
import { planCheckedSearch, type PlannerTrust } from '../../../core/retrieval/walk-trust.js';
import { namesPrincipal, withinClearance, type PrincipalSql } from './pgvector-rule-predicate.js';
import { PRINCIPAL_SETTINGS } from './pgvector-schema.js';
import { vectorFromBinary } from './vector-binary.js';
import { vectorLiteral } from './vector-literal.js';

/** How the planner chooses between an exact scan of the allowed chunks and a filtered HNSW walk. */
export interface PgvectorPlannerSettings {
  /** Up to this many allowed chunks, a search compares every one of them. */
  exactMaxChunks: number;
  /**
   * Above `exactMaxChunks` and up to this many allowed chunks, a search walks only for a principal whose walks have
   * matched exact searches (see walk-trust.ts); above it, every search walks.
   */
  checkedMaxChunks: number;
  /** `hnsw.ef_search` for the walk (pgvector's default is 40). */
  efSearch: number;
  /** `hnsw.max_scan_tuples`: how far an iterative scan may go before it gives up (pgvector's default 20,000). */
  maxScanTuples: number;
  /**
   * The documents path compares the chunks of the allowed documents nearest the query until this many chunks are
   * in hand (the document that crosses it included).
   */
  documentsChunkBudget: number;
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
  trust: PlannerTrust;
  centroids: CentroidCache;
}

type Path = RetrievalDecision['path'];
/**
 * A path, or `check`: the exact search answers, and the documents path and the walk, in the same snapshot, are
 * scored against it.
 */
type Plan = Path | 'check';

interface ScoredRow {
  document_id: string;
  chunk_index: number;
  text: string;
  distance: number;
  /** The documents path's rows carry how many chunks it compared. */
  examined?: string;
}

interface CountRow {
  version: string;
  total: string;
  allowed?: string;
  unknown?: string;
  documents?: string[] | null;
}

/**
 * What one attempt read: the count's row (or else the settings' row), the answer's rows and, in a check, those of
 * the documents path and of the walk.
 */
interface Batch {
  count: CountRow | undefined;
  rows: ScoredRow[];
  nearest: ScoredRow[];
  walked: ScoredRow[];
}

const BEGIN = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

/**
 * One search, each attempt in one REPEATABLE READ transaction that it commits itself (the caller rolls back when
 * it throws). The allowed-chunk count (as the adapter's role, to see rules the principal's role cannot evaluate)
 * decides the plan; then the principal's settings are set, the transaction drops to the retrieval role and reads
 * chunks through that plan. Statements go several to a round trip (the simple protocol, values as quoted
 * literals), as each round trip costs about 0.1 ms against a walk of about 1 ms:
 * - with a count cached for this principal: one round trip, checking the collection's version in the same
 *   transaction; a changed version discards the answer (read through the filter and RLS all the same, so a
 *   stale plan costs time, never access) and counts again;
 * - otherwise two: BEGIN and the count, then settings, search and COMMIT.
 * The documents path with a cached count also ranks from cached centroids, or reads them for the next search.
 * A walk that returns fewer than min(k, allowed) rows (it gave up at max_scan_tuples, or met unindexed zero
 * vectors) is replaced by an exact search in a new transaction that counts again, so its decision and its chunks
 * come from one snapshot.
 */
export async function searchCollection(
  client: pg.PoolClient,
  context: SearchContext,
): Promise<VectorSearchResult> {
  const { counts, collection, filter } = context;
  const cached = counts.get(collection.id, filter);
  if (cached) {
    const plan = planFor(context, cached.allowed);
    const answer =
      plan === 'documents' && cached.documentIds
        ? await searchNearestDocuments(client, context, { ...cached, documentIds: cached.documentIds })
        : await searchCounted(client, context, { plan, count: cached });
    if (answer) return answer;
  }
  const [, countResult] = await runBatch(client, [BEGIN, countStatement(context)]);
  const count = checkCount(countResult?.rows[0] as CountRow | undefined);
  counts.set(collection.id, filter, count);
  if (count.allowed === 0) {
    await client.query('COMMIT');
    return answerOf('exact', count, []);
  }
  const plan = planFor(context, count.allowed);
  const statements = [...searchStatements(context, { plan, documents: count.documents }), 'COMMIT'];
  const batch = batchOf(await runBatch(client, statements), { plan, settings: 0 });
  return finish(client, context, { plan, count, batch });
}

/** A search with a cached count: undefined when the collection's version has changed since the count. */
async function searchCounted(
  client: pg.PoolClient,
  context: SearchContext,
  attempt: { plan: Plan; count: AllowedCount },
): Promise<VectorSearchResult | undefined> {
  const { plan, count } = attempt;
  const batch = await searchBatch(client, context, { plan, counting: false, documents: count.documents });
  return batch.count?.version === count.version ? finish(client, context, { plan, count, batch }) : undefined;
}

/**
 * The documents path with a cached count: with the centroids of every allowed document cached at the count's
 * version, the nearest documents are chosen in the process and only their chunks are read; otherwise the SQL
 * ranks them, and the same round trip reads the centroids it lacked (through the policy, as the principal), for
 * the next search. Undefined when the collection's version has changed since the count.
 */
async function searchNearestDocuments(
  client: pg.PoolClient,
  context: SearchContext,
  count: AllowedCount & { documentIds: readonly string[] },
): Promise<VectorSearchResult | undefined> {
  const { centroids, collection, settings, vector } = context;
  const known = centroids.get(collection.id, count.version, count.documentIds);
  if (known) {
    const nearest = nearestDocuments(vector, known, settings.documentsChunkBudget);
    const chosen = `${pg.escapeLiteral(toArrayLiteral(nearest.ids))}::text[]`;
    const statements = [
      BEGIN,
      ...searchStatements(context, { plan: 'documents', documents: count.documents, nearest: chosen }),
      'COMMIT',
    ];
    const batch = batchOf(await runBatch(client, statements), { plan: 'documents', settings: 1 });
    if (batch.count?.version !== count.version) return undefined;
    return finish(client, context, { plan: 'documents', count, batch });
  }
  const missing = centroids.missing(collection.id, count.version, count.documentIds);
  const statements = [
    BEGIN,
    ...searchStatements(context, { plan: 'documents', documents: count.documents }),
    centroidsStatement(context, missing),
    'COMMIT',
  ];
  const results = await runBatch(client, statements);
  const batch = batchOf(results, { plan: 'documents', settings: 1 });
  if (batch.count?.version !== count.version) return undefined;
  const rows = (results[3]?.rows ?? []) as CentroidRow[];
  centroids.add(
    collection.id,
    count.version,
    rows.map((row) => ({
      id: row.document_id,
      chunkCount: row.chunk_count,
      centroid: row.centroid === null ? null : unitCentroid(vectorFromBinary(row.centroid)),
    })),
  );
  return finish(client, context, { plan: 'documents', count, batch });
}

interface CentroidRow {
  document_id: string;
  chunk_count: number;
  centroid: Buffer | null;
}

/** The centroids of the named documents, in pgvector's binary form (see vector-binary.ts). */
function centroidsStatement(context: SearchContext, documentIds: readonly string[]): string {
  const { names, collection } = context;
  return `SELECT d.document_id, d.chunk_count, ${names.extension}.vector_send(d.centroid) AS centroid
       FROM ${names.schema}.documents d
      WHERE d.collection_id = ${collection.id}
        AND d.document_id = ANY (${pg.escapeLiteral(toArrayLiteral(documentIds))}::text[])`;
}

/**
 * The answer of an attempt: a check scores its walk and its documents path and answers exactly; a walk or a
 * documents path that fell short is replaced by an exact search.
 */
async function finish(
  client: pg.PoolClient,
  context: SearchContext,
  attempt: { plan: Plan; count: AllowedCount; batch: Batch },
): Promise<VectorSearchResult> {
  const { plan, count, batch } = attempt;
  if (plan === 'check') {
    const { trust, collection, filter } = context;
    trust.walk.record(collection.id, filter, recallOf(batch.walked, batch.rows));
    trust.documents.record(collection.id, filter, recallOf(batch.nearest, batch.rows));
    return answerOf('exact', count, batch.rows);
  }
  if (batch.rows.length >= Math.min(context.k, count.allowed)) return answerOf(plan, count, batch.rows);
  return searchExactly(client, context);
}

/** The exact path in one round trip, counting in the same transaction. */
async function searchExactly(client: pg.PoolClient, context: SearchContext): Promise<VectorSearchResult> {
  const batch = await searchBatch(client, context, { plan: 'exact', counting: true, documents: undefined });
  return answerOf('exact', checkCount(batch.count), batch.rows);
}

/**
 * BEGIN, the count when `counting`, the principal's settings (with the collection's version and chunk count),
 * the searches of `plan`, and COMMIT, in one round trip.
 */
async function searchBatch(
  client: pg.PoolClient,
  context: SearchContext,
  options: { plan: Plan; counting: boolean; documents: string | undefined },
): Promise<Batch> {
  const { plan, counting, documents } = options;
  const statements = [
    BEGIN,
    ...(counting ? [countStatement(context)] : []),
    ...searchStatements(context, { plan, documents }),
    'COMMIT',
  ];
  return batchOf(await runBatch(client, statements), { plan, settings: counting ? 2 : 1 });
}

/**
 * The statements of a plan after BEGIN (and any count): the settings, then the plan's search, or, for a check, the
 * exact search, the documents path, the walk's knobs and the walk, in that order so that the first two are planned
 * without the knobs that force a walk.
 */
function searchStatements(
  context: SearchContext,
  options: { plan: Plan; documents: string | undefined; nearest?: string },
): string[] {
  const { plan, documents, nearest } = options;
  if (plan !== 'check')
    return [enterStatement(context, plan), searchStatement(context, { path: plan, documents, nearest })];
  return [
    enterStatement(context, 'exact'),
    searchStatement(context, { path: 'exact', documents }),
    searchStatement(context, { path: 'documents', documents }),
    `SELECT ${walkKnobs(context)}`,
    searchStatement(context, { path: 'hnsw', documents: undefined }),
  ];
}

/**
 * Picks the rows out of a batch's results: `settings` is the position of the settings statement, which the
 * plan's searches follow. The count's row is the second result's: the count, or else the settings' row.
 */
function batchOf(results: pg.QueryResult[], options: { plan: Plan; settings: number }): Batch {
  const { plan, settings } = options;
  const rowsAt = (position: number): ScoredRow[] => (results[position]?.rows ?? []) as ScoredRow[];
  return {
    count: results[1]?.rows[0] as CountRow | undefined,
    rows: rowsAt(settings + 1),
    nearest: plan === 'check' ? rowsAt(settings + 2) : [],
    walked: plan === 'check' ? rowsAt(settings + 4) : [],
  };
}

/**
 * The share of the exact answer a walk found. A walk's row counts when it is no farther than the exact answer's
 * last, so that a tie broken the other way is not a miss.
 */
function recallOf(walked: readonly ScoredRow[], exact: readonly ScoredRow[]): number {
  const last = exact.at(-1);
  if (!last) return 1;
  const found = walked.filter((row) => row.distance <= last.distance).length;
  return Math.min(found, exact.length) / exact.length;
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
  const count = { version: row.version, allowed: Number(row.allowed), total: Number(row.total) };
  return row.documents
    ? {
        ...count,
        documents: `${pg.escapeLiteral(toArrayLiteral(row.documents))}::text[]`,
        documentIds: row.documents,
      }
    : count;
}

function planFor(context: SearchContext, allowed: number): Plan {
  const { settings, collection, filter, trust } = context;
  if (allowed <= settings.exactMaxChunks || collection.dimension > HNSW_MAX_DIMENSION) return 'exact';
  if (allowed > settings.checkedMaxChunks) return 'hnsw';
  return planCheckedSearch(trust, collection.id, filter);
}

function answerOf(path: Path, count: AllowedCount, rows: ScoredRow[]): VectorSearchResult {
  const decision = { path, allowedChunks: count.allowed, deniedChunks: count.total - count.allowed };
  return {
    chunks: rows.map(toChunk),
    decision: { ...decision, candidatesExamined: examinedBy(path, { count, rows }) },
  };
}

function examinedBy(path: Path, answer: { count: AllowedCount; rows: ScoredRow[] }): number {
  if (path === 'hnsw') return answer.rows.length;
  if (path === 'documents') return Number(answer.rows[0]?.examined ?? 0);
  return answer.count.allowed;
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
 * The collection's version and live chunk count, the principal's allowed chunks, the rules naming the principal
 * whose classification is not a configured level (any makes the search throw), and, when the allowed chunks are
 * few enough to be searched exactly, the allowed documents holding chunks.
 */
function countStatement(context: SearchContext): string {
  const { names, collection, filter, settings } = context;
  const principal = principalLiterals(filter);
  const levels = pg.escapeLiteral(toArrayLiteral(filter.levels));
  const allowed = `sum(d.chunk_count) FILTER (WHERE ${withinClearance('d', principal)})`;
  return `SELECT c.version::text AS version, c.chunks AS total, a.allowed, a.unknown, a.documents
       FROM ${names.schema}.collections c CROSS JOIN LATERAL (
         SELECT coalesce(${allowed}, 0) AS allowed,
                count(*) FILTER (WHERE d.classification IS NOT NULL AND NOT d.classification = ANY (${levels}::text[]))
                  AS unknown,
                CASE WHEN coalesce(${allowed}, 0) <= ${Math.max(settings.exactMaxChunks, settings.checkedMaxChunks)}
                  THEN array_agg(d.document_id) FILTER (WHERE ${withinClearance('d', principal)} AND d.chunk_count > 0)
                END AS documents
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
  const { names, filter } = context;
  const text = (value: string): string => pg.escapeLiteral(value);
  const list = (values: readonly string[]): string => text(toArrayLiteral(values));
  const knobs = path === 'hnsw' ? `, ${walkKnobs(context)}` : '';
  return `SELECT c.version::text AS version, c.chunks AS total,
            set_config('${PRINCIPAL_SETTINGS.user}', ${text(filter.userId ?? '')}, true),
            set_config('${PRINCIPAL_SETTINGS.groups}', ${list(filter.groups)}, true),
            set_config('${PRINCIPAL_SETTINGS.roles}', ${list(filter.roles)}, true),
            set_config('${PRINCIPAL_SETTINGS.readable}', ${list(filter.readableLevels)}, true),
            set_config('role', ${text(names.role.slice(1, -1))}, true), set_config('jit', 'off', true)${knobs}
       FROM ${names.schema}.collections c WHERE c.id = ${context.collection.id}`;
}

/** pgvector's knobs for the walk and the plans it rules out, all transaction-local (see `enterStatement`). */
function walkKnobs(context: SearchContext): string {
  const { settings, k } = context;
  return `set_config('hnsw.iterative_scan', 'relaxed_order', true),
         set_config('hnsw.ef_search', '${Math.max(settings.efSearch, k)}', true),
         set_config('hnsw.max_scan_tuples', '${settings.maxScanTuples}', true),
         set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true),
         set_config('enable_sort', 'off', true)`;
}

/**
 * The walk, or the exact search: over the chunks of `documents` (the allowed documents named by the count, in the
 * transaction's snapshot or in one whose collection version the caller checks) when given, else over the documents
 * whose rule admits the principal. The walk tests the rule on every chunk row it visits, beside the policy; the
 * exact searches test it on each document, and the policy on every chunk row.
 */
function searchStatement(
  context: SearchContext,
  options: { path: Path; documents: string | undefined; nearest?: string },
): string {
  const { path, documents, nearest } = options;
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
  const distance = `coalesce(nullif(ch.embedding OPERATOR(${names.extension}.<=>) ${query}::${vector}, 'NaN'), 1)`;
  if (path === 'documents' && nearest !== undefined) {
    // The nearest documents, chosen in the process from cached centroids: their chunks by primary key.
    return `SELECT ch.document_id, ch.chunk_index, ch.text, ${distance} AS distance, count(*) OVER () AS examined
         FROM ${names.schema}.chunks ch
        WHERE ch.collection_id = ${collection.id} AND ch.document_id = ANY (${nearest})
        ORDER BY distance, ch.document_id, ch.chunk_index
        LIMIT ${k}`;
  }
  if (path === 'documents') {
    // The allowed documents by the distance of their centroid (a zero or missing one last), each with the chunks
    // of the documents before it; the chunks of those that start under the budget are compared exactly, read by
    // primary key like the named documents' of the exact search. At 10 % of 100,000 chunks, ranking the 1,000
    // allowed documents takes about 8 of the path's 15 ms: a primary-key lookup and a heap row (the 1.5 KB
    // centroid) per document, under the policy: so once the collection's version holds still, searches rank
    // from cached centroids instead (see searchNearestDocuments).
    const allowed =
      documents === undefined
        ? `${namesPrincipal('d', principal)} AND ${withinClearance('d', principal)}`
        : `d.document_id = ANY (${documents})`;
    const centroid = `coalesce(nullif(d.centroid OPERATOR(${names.extension}.<=>) ${query}::${vector}, 'NaN'), 2)`;
    return `SELECT ch.document_id, ch.chunk_index, ch.text, ${distance} AS distance, count(*) OVER () AS examined
         FROM ${names.schema}.chunks ch
        WHERE ch.collection_id = ${collection.id} AND ch.document_id = ANY (ARRAY(
                SELECT nearest.document_id
                  FROM (SELECT d.document_id, d.chunk_count,
                               sum(d.chunk_count) OVER (ORDER BY ${centroid}, d.document_id) AS running
                          FROM ${names.schema}.documents d
                         WHERE d.collection_id = ${collection.id} AND d.chunk_count > 0 AND ${allowed}) nearest
                 WHERE nearest.running - nearest.chunk_count < ${context.settings.documentsChunkBudget}))
        ORDER BY distance, ch.document_id, ch.chunk_index
        LIMIT ${k}`;
  }
  if (documents !== undefined) {
    // The named documents' chunks by primary key. The list is the filter: the count tested each document's rule
    // (5 ms at 10,000 documents) in this snapshot, or in one whose collection version this transaction checks
    // before the answer is used, and a document's chunk rows carry its rule (changed in the same statement). So
    // the rule is not tested again on each chunk row (1.5 ms of a 15 ms search of 10,000 chunks); the policy
    // still is, under the retrieval role.
    return `SELECT ch.document_id, ch.chunk_index, ch.text, ${distance} AS distance
         FROM ${names.schema}.chunks ch
        WHERE ch.collection_id = ${collection.id} AND ch.document_id = ANY (${documents})
        ORDER BY distance, ch.document_id, ch.chunk_index
        LIMIT ${k}`;
  }
  // The allowed documents, then their chunks by primary key, ordered by a NaN-safe distance no index can serve.
  return `SELECT ch.document_id, ch.chunk_index, ch.text, ${distance} AS distance
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
