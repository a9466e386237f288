import type { IngestionOutcome } from './document.js';

/** Attribute values as OpenAI's vector-store files take them. */
export type VectorStoreFileAttributes = Readonly<Record<string, string | number | boolean>>;

/**
 * A file of `/v1/files` added to a vector store (a collection) through `/v1/vector_stores/{id}/files`. Its
 * document in the collection has the file's id, and its ingestion is the item (`runId`, `fileId`) of a run.
 */
export interface VectorStoreFileRecord {
  collection: string;
  fileId: string;
  /** The ingestion run that indexes it; its item's outcome is the file's status. */
  runId: string;
  /** As sent, the `slipway_*` ones (the access rule) included. */
  attributes: VectorStoreFileAttributes;
  createdAt: number;
}

/** OpenAI's statuses of a vector-store file; `cancelled` is one whose document was deleted before it was indexed. */
export type VectorStoreFileStatus = 'in_progress' | 'completed' | 'failed' | 'cancelled';

/** The status of a vector-store file whose ingestion item has this outcome (null: not handled yet). */
export function vectorStoreFileStatusOf(outcome: IngestionOutcome | null): VectorStoreFileStatus {
  switch (outcome) {
    case null:
      return 'in_progress';
    case 'done':
      return 'completed';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
  }
}
