import type pg from 'pg';
import type { AccessFilter } from '../../../core/access/access-filter.js';
import { SlipwayError } from '../../../core/errors.js';
import type { VectorSearchResult } from '../../../ports/vector-index.js';
import type { PgvectorNames } from './pgvector-names.js';
import { namesPrincipal, withinClearance } from './pgvector-rule-predicate.js';
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
  collection: string;
  vector: Float32Array;
  k: number;
  filter: AccessFilter;
}

interface ScoredRow {
  document_id: string;
  chunk_index: number;
  text: string;
  distance: number;
}

/**
 * One search, in one REPEATABLE READ transaction: count what the principal may read (as the adapter's role, to
 * see rules it cannot evaluate), then set the principal's settings, drop to the retrieval role and read chunks
 * through the plan the count calls for. Throws on anything unexpected; the caller rolls back.
 */
export async function searchInTransaction(
  client: pg.PoolClient,
  context: SearchContext,
): Promise<VectorSearchResult> {
  const { names, filter, k } = context;
  const principal = [filter.userId, [...filter.groups], [...filter.roles], [...filter.readableLevels]];
  const counted = await client.query<{
    id: number;
    dimension: number;
    total: string;
    allowed: string;
    unknown: string;
  }>(
    `SELECT c.id, c.dimension, c.chunks AS total, a.allowed, a.unknown
       FROM ${names.schema}.collections c CROSS JOIN LATERAL (
         SELECT coalesce(sum(d.chunk_count) FILTER (WHERE ${withinClearance('d')}), 0) AS allowed,
                count(*) FILTER (WHERE d.classification IS NOT NULL AND NOT d.classification = ANY ($6::text[]))
                  AS unknown
           FROM ${names.schema}.documents d
          WHERE d.collection_id = c.id AND ${namesPrincipal('d')}) a
      WHERE c.name = $1`,
    [context.collection, ...principal, [...filter.levels]],
  );
  const row = counted.rows[0];
  if (!row) throw new SlipwayError('not_found', `No collection named "${context.collection}"`);
  if (Number(row.unknown) > 0) {
    throw new SlipwayError(
      'internal_error',
      'An access rule naming this principal has a classification that is not a configured level',
    );
  }
  const allowed = Number(row.allowed);
  const denied = Number(row.total) - allowed;
  if (allowed === 0) {
    return {
      chunks: [],
      decision: { path: 'exact', allowedChunks: 0, deniedChunks: denied, candidatesExamined: 0 },
    };
  }
  const collectionId = Number(row.id);
  const dimension = Number(row.dimension);
  const walk = allowed > context.settings.exactMaxChunks && dimension <= HNSW_MAX_DIMENSION;
  await enterPrincipal(client, { context, walk });
  const parameters = [vectorLiteral(context.vector), ...principal, k];
  const decision = { allowedChunks: allowed, deniedChunks: denied };
  if (walk) {
    const walked = await walkHnsw(client, { context, collectionId, dimension, parameters });
    // Fewer than k while k are allowed: the walk gave up (max_scan_tuples) or met unindexed zero vectors.
    if (walked.length >= Math.min(k, allowed)) {
      return {
        chunks: walked.map(toChunk),
        decision: { path: 'hnsw', ...decision, candidatesExamined: walked.length },
      };
    }
    await client.query(
      `SELECT set_config('enable_seqscan', 'on', true), set_config('enable_bitmapscan', 'on', true),
              set_config('enable_sort', 'on', true)`,
    );
  }
  // The allowed documents come from the rule indexes of `documents`, their chunks by primary key.
  const exact = await client.query<ScoredRow>(
    `SELECT ch.document_id, ch.chunk_index, ch.text,
            coalesce(nullif(ch.embedding OPERATOR(${names.extension}.<=>) $1::${names.extension}.vector, 'NaN'), 1)
              AS distance
       FROM ${names.schema}.documents d
       JOIN ${names.schema}.chunks ch ON ch.collection_id = d.collection_id AND ch.document_id = d.document_id
      WHERE d.collection_id = ${collectionId} AND ${namesPrincipal('d')} AND ${withinClearance('d')}
      ORDER BY distance, ch.document_id, ch.chunk_index
      LIMIT $6`,
    parameters,
  );
  return {
    chunks: exact.rows.map(toChunk),
    decision: { path: 'exact', ...decision, candidatesExamined: allowed },
  };
}

/**
 * Sets the principal for the row-level security policies, drops to the retrieval role and, for a walk, sets
 * pgvector's knobs: all transaction-local, in one round trip. relaxed_order lets the walk go on past ef_search
 * until k rows pass the filter (the outer ORDER BY of the walk puts them back in order). Seq, bitmap and sort
 * plans are off for the walk: PostgreSQL underestimates how many rows the rule lets through and, at high
 * selectivity, would otherwise sort every allowed chunk (40 ms at 50 % of 20,000) instead of walking (3 ms).
 * Those disabled plans add a huge cost to every plan, which makes PostgreSQL compile the query with JIT (190 ms):
 * JIT is off, as it never pays for a query of a few milliseconds.
 */
async function enterPrincipal(
  client: pg.PoolClient,
  options: { context: SearchContext; walk: boolean },
): Promise<void> {
  const { names, filter, settings, k } = options.context;
  const knobs = options.walk
    ? `, set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('hnsw.ef_search', $6, true),
       set_config('hnsw.max_scan_tuples', $7, true), set_config('enable_seqscan', 'off', true),
       set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true)`
    : '';
  await client.query(
    `SELECT set_config('${PRINCIPAL_SETTINGS.user}', coalesce($1, ''), true),
            set_config('${PRINCIPAL_SETTINGS.groups}', $2::text[]::text, true),
            set_config('${PRINCIPAL_SETTINGS.roles}', $3::text[]::text, true),
            set_config('${PRINCIPAL_SETTINGS.readable}', $4::text[]::text, true),
            set_config('role', $5, true), set_config('jit', 'off', true)${knobs}`,
    [
      filter.userId,
      [...filter.groups],
      [...filter.roles],
      [...filter.readableLevels],
      names.role.slice(1, -1),
      ...(options.walk ? [String(Math.max(settings.efSearch, k)), String(settings.maxScanTuples)] : []),
    ],
  );
}

async function walkHnsw(
  client: pg.PoolClient,
  options: { context: SearchContext; collectionId: number; dimension: number; parameters: unknown[] },
): Promise<ScoredRow[]> {
  const { context, collectionId, dimension, parameters } = options;
  const { names } = context;
  const vectorType = `${names.extension}.vector(${dimension})`;
  // The chunk row's own copy of the rule: the walk checks only the rows it visits, with no join.
  const walked = await client.query<ScoredRow>(
    `SELECT document_id, chunk_index, text, coalesce(nullif(distance, 'NaN'), 1) AS distance FROM (
       SELECT ch.document_id, ch.chunk_index, ch.text,
              (ch.embedding::${vectorType}) OPERATOR(${names.extension}.<=>) $1::${vectorType} AS distance
         FROM ${names.schema}.chunks ch
        WHERE ch.collection_id = ${collectionId} AND ${namesPrincipal('ch')} AND ${withinClearance('ch')}
        ORDER BY distance
        LIMIT $6) nearest
      ORDER BY distance, document_id, chunk_index`,
    parameters,
  );
  return walked.rows;
}

const toChunk = (row: ScoredRow): VectorSearchResult['chunks'][number] => ({
  documentId: row.document_id,
  chunkIndex: row.chunk_index,
  text: row.text,
  score: 1 - row.distance,
});
