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

/** OpenAI's statuses of a vector-store file, less `cancelled`, which Slipway never reaches. */
export type VectorStoreFileStatus = 'in_progress' | 'completed' | 'failed';

/** The status of a vector-store file whose ingestion item has this outcome (null: not handled yet). */
export function vectorStoreFileStatusOf(outcome: 'done' | 'failed' | null): VectorStoreFileStatus {
  if (outcome === null) return 'in_progress';
  return outcome === 'done' ? 'completed' : 'failed';
}
