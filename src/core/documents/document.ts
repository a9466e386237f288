import type { AccessRule } from '../access/access-rule.js';

/** A named set of documents whose chunks share one embedding model and dimension. */
export interface CollectionRecord {
  name: string;
  dimension: number;
  /** The embeddings route (public model name) every chunk of the collection was embedded with. */
  embeddingModel: string;
  createdAt: number;
}

/** `ready` once its chunks are in the vector index; `failed` keeps the error and no chunks. */
export type DocumentStatus = 'ready' | 'failed';

/**
 * A document as the catalog lists it. The rule here is a copy for display; the copy that decides who may read the
 * document's chunks is the vector index's, which every search evaluates.
 */
export interface DocumentRecord {
  collection: string;
  id: string;
  title: string;
  /** The file name it was uploaded as, e.g. `reports/q3.pdf`. */
  sourceName: string;
  mediaType: string;
  bytes: number;
  /** SHA-256 hex of the uploaded bytes: the same bytes under the same rule are not ingested twice. */
  contentHash: string;
  chunkCount: number;
  rule: AccessRule;
  status: DocumentStatus;
  /** Why ingestion failed, null when it did not. */
  error: string | null;
  ingestedAt: number;
  /** The audit label of whoever ingested it. */
  ingestedBy: string;
}

export type IngestionRunStatus = 'running' | 'completed' | 'failed';

/**
 * How one document of a run ended: indexed (or found unchanged), failed, or cancelled because the document was
 * deleted before its ingestion finished.
 */
export type IngestionOutcome = 'done' | 'failed' | 'cancelled';

/** One upload of one or more documents, ingested by `docs.ingest` jobs; its counts are the progress. */
export interface IngestionRun {
  id: string;
  collection: string;
  total: number;
  /** Documents ingested (or found unchanged). */
  done: number;
  failed: number;
  /** Documents deleted before their ingestion finished: nothing of them is indexed. */
  cancelled: number;
  /**
   * `completed` when every document is done, failed or cancelled and none failed, `failed` when some failed.
   */
  status: IngestionRunStatus;
  createdAt: number;
  createdBy: string;
  finishedAt: number | null;
}

/** The status a run has once `done + failed + cancelled` documents of `total` have been handled. */
export function ingestionRunStatusOf(
  counts: Pick<IngestionRun, 'total' | 'done' | 'failed' | 'cancelled'>,
): IngestionRunStatus {
  if (counts.done + counts.failed + counts.cancelled < counts.total) return 'running';
  return counts.failed === 0 ? 'completed' : 'failed';
}
