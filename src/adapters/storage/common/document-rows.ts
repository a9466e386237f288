import type { Selectable } from 'kysely';
import { parseAccessRule } from '../../../core/access/access-rule.js';
import {
  type CollectionRecord,
  type DocumentRecord,
  type DocumentStatus,
  type IngestionOutcome,
  ingestionRunStatusOf,
  type IngestionRun,
} from '../../../core/documents/document.js';
import type { IngestionActor, IngestionItem, NewIngestionRun } from '../../../ports/document-catalog.js';
import type {
  DocumentCollectionsTable,
  DocumentsTable,
  IngestionItemsTable,
  IngestionRunsTable,
} from './database.js';
import { decodeJson, encodeJson } from './json-column.js';

export const toCollectionRow = (collection: CollectionRecord): DocumentCollectionsTable => ({
  name: collection.name,
  dimension: collection.dimension,
  embedding_model: collection.embeddingModel,
  created_at: collection.createdAt,
});

export const toCollectionRecord = (row: Selectable<DocumentCollectionsTable>): CollectionRecord => ({
  name: row.name,
  dimension: Number(row.dimension),
  embeddingModel: row.embedding_model,
  createdAt: Number(row.created_at),
});

export const toDocumentRow = (document: DocumentRecord): DocumentsTable => ({
  collection: document.collection,
  id: document.id,
  title: document.title,
  source_name: document.sourceName,
  media_type: document.mediaType,
  bytes: document.bytes,
  content_hash: document.contentHash,
  chunk_count: document.chunkCount,
  access_rule: encodeJson(document.rule) ?? '{}',
  status: document.status,
  error: document.error,
  ingested_at: document.ingestedAt,
  ingested_by: document.ingestedBy,
});

export const toDocumentRecord = (row: Selectable<DocumentsTable>): DocumentRecord => ({
  collection: row.collection,
  id: row.id,
  title: row.title,
  sourceName: row.source_name,
  mediaType: row.media_type,
  bytes: Number(row.bytes),
  contentHash: row.content_hash,
  chunkCount: Number(row.chunk_count),
  rule: parseAccessRule(decodeJson(row.access_rule)),
  status: row.status as DocumentStatus,
  error: row.error,
  ingestedAt: Number(row.ingested_at),
  ingestedBy: row.ingested_by,
});

export const toRunRow = (run: NewIngestionRun): IngestionRunsTable => ({
  id: run.id,
  collection: run.collection,
  actor: encodeJson(run.actor) ?? '{}',
  created_at: run.createdAt,
});

export const toItemRow = (
  runId: string,
  item: Omit<IngestionItem, 'runId' | 'outcome' | 'error'>,
): IngestionItemsTable => ({
  run_id: runId,
  document_id: item.documentId,
  title: item.title,
  source_name: item.sourceName,
  media_type: item.mediaType,
  content: Buffer.from(item.content).toString('base64'),
  access_rule: encodeJson(item.rule) ?? '{}',
  outcome: null,
  error: null,
  finished_at: null,
});

const INGESTION_OUTCOMES: ReadonlySet<string | null> = new Set<IngestionOutcome>([
  'done',
  'failed',
  'cancelled',
]);
const isIngestionOutcome = (outcome: string | null): outcome is IngestionOutcome =>
  INGESTION_OUTCOMES.has(outcome);

export const toIngestionItem = (row: Selectable<IngestionItemsTable>): IngestionItem => ({
  runId: row.run_id,
  documentId: row.document_id,
  title: row.title,
  sourceName: row.source_name,
  mediaType: row.media_type,
  content: new Uint8Array(Buffer.from(row.content, 'base64')),
  rule: parseAccessRule(decodeJson(row.access_rule)),
  outcome: isIngestionOutcome(row.outcome) ? row.outcome : null,
  error: row.error,
});

/** Per-outcome item counts of one run, as the aggregate query returns them. */
export interface RunCounts {
  total: number | string | bigint;
  done: number | string | bigint | null;
  failed: number | string | bigint | null;
  cancelled: number | string | bigint | null;
  last: number | string | bigint | null;
}

export function toIngestionRun(
  row: Selectable<IngestionRunsTable>,
  counts: RunCounts,
): IngestionRun & { actor: IngestionActor } {
  const actor = decodeJson(row.actor) as IngestionActor;
  const total = Number(counts.total);
  const done = Number(counts.done ?? 0);
  const failed = Number(counts.failed ?? 0);
  const cancelled = Number(counts.cancelled ?? 0);
  const status = ingestionRunStatusOf({ total, done, failed, cancelled });
  return {
    id: row.id,
    collection: row.collection,
    total,
    done,
    failed,
    cancelled,
    status,
    createdAt: Number(row.created_at),
    createdBy: actor.label,
    finishedAt: status === 'running' || counts.last === null ? null : Number(counts.last),
    actor,
  };
}
