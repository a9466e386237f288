import type pg from 'pg';
import type { AccessFilter } from '../../../core/access/access-filter.js';
import type { ChunkRef } from '../../../ports/vector-index.js';
import type { PgvectorNames } from './pgvector-names.js';
import { namesPrincipal, withinClearance, type PrincipalSql } from './pgvector-rule-predicate.js';
import { PRINCIPAL_SETTINGS } from './pgvector-schema.js';

const BOUND_PRINCIPAL: PrincipalSql = {
  user: '$2',
  groups: '$3::text[]',
  roles: '$4::text[]',
  readable: '$5',
};

interface ReadContext {
  names: PgvectorNames;
  collectionId: number;
  chunks: readonly ChunkRef[];
  filter: AccessFilter;
}

/**
 * Reads named chunks for a principal inside the caller's read-only transaction: the principal's settings are set
 * and the transaction drops to the retrieval role first, so row-level security decides what is visible, and the
 * same rule is in the WHERE clause too (as in search). Rows come back in the order asked.
 */
export async function readChunksInTransaction(
  client: pg.PoolClient,
  context: ReadContext,
): Promise<Array<ChunkRef & { text: string }>> {
  const { names, filter, chunks } = context;
  await client.query(
    `SELECT set_config('${PRINCIPAL_SETTINGS.user}', coalesce($1, ''), true),
            set_config('${PRINCIPAL_SETTINGS.groups}', $2::text[]::text, true),
            set_config('${PRINCIPAL_SETTINGS.roles}', $3::text[]::text, true),
            set_config('${PRINCIPAL_SETTINGS.readable}', $4::text[]::text, true),
            set_config('role', $5, true)`,
    [
      filter.userId,
      [...filter.groups],
      [...filter.roles],
      [...filter.readableLevels],
      names.role.slice(1, -1),
    ],
  );
  const found = await client.query<{
    position: number;
    document_id: string;
    chunk_index: number;
    text: string;
  }>(
    `SELECT wanted.position, ch.document_id, ch.chunk_index, ch.text
       FROM unnest($6::text[], $7::int[]) WITH ORDINALITY AS wanted(document_id, chunk_index, position)
       JOIN ${names.schema}.chunks ch
         ON ch.collection_id = $1 AND ch.document_id = wanted.document_id AND ch.chunk_index = wanted.chunk_index
      WHERE ${namesPrincipal('ch', BOUND_PRINCIPAL)} AND ${withinClearance('ch', BOUND_PRINCIPAL)}
      ORDER BY wanted.position`,
    [
      context.collectionId,
      filter.userId,
      [...filter.groups],
      [...filter.roles],
      [...filter.readableLevels],
      chunks.map((chunk) => chunk.documentId),
      chunks.map((chunk) => chunk.chunkIndex),
    ],
  );
  return found.rows.map((row) => ({
    documentId: row.document_id,
    chunkIndex: row.chunk_index,
    text: row.text,
  }));
}
