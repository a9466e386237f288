import type { AccessRule } from '../core/access/access-rule.js';
import type {
  CollectionRecord,
  DocumentRecord,
  IngestionOutcome,
  IngestionRun,
} from '../core/documents/document.js';
import type { Role } from '../core/identity.js';
import type { QueuedJob } from './job-queue.js';

/** One uploaded document waiting in an ingestion run, with its bytes until it is handled. */
export interface IngestionItem {
  runId: string;
  documentId: string;
  title: string;
  sourceName: string;
  /** As declared by the uploader; the parser decides the format. */
  mediaType: string | null;
  /** The uploaded bytes; empty once the item is handled (they are dropped to free the space). */
  content: Uint8Array;
  rule: AccessRule;
  outcome: IngestionOutcome | null;
  error: string | null;
}

/** Who started a run: the admin-API actor, kept so that its embedding calls run (and are logged) as them. */
export interface IngestionActor {
  kind: 'api_key' | 'user';
  id: string;
  role: Role;
  label: string;
}

export interface NewIngestionRun {
  id: string;
  collection: string;
  actor: IngestionActor;
  createdAt: number;
}

/**
 * The catalog of collections, documents and ingestion runs, in the store. It lists what is indexed and who may
 * read it; the vector index holds the chunks and the copy of each rule that searches enforce.
 *
 * Contract (test/contract/document-catalog.contract.ts on both stores):
 * - `createCollection` of a name that exists is `conflict`.
 * - Documents are keyed by (collection, id); `putDocument` creates or replaces one.
 * - `listDocuments` is in id order, resuming after `after`.
 * - `createIngestionRun` stores the run, its items and the jobs that will ingest them in one transaction: all or
 *   nothing, so that no job names an item that is not stored and no item waits for a job that was never queued.
 *   A run id that exists is `conflict`.
 * - `finishIngestionItem` records an item's outcome once: a second call for the same (run, document), or a call
 *   for an item cancelled meanwhile, changes nothing and returns false (jobs are delivered at least once). It
 *   drops the item's bytes, and puts the `document` it is given in the same transaction, only when it records
 *   the outcome: a document deleted while it was being ingested is never written back.
 * - `cancelIngestionItems` marks every unfinished item of a document, in any run of its collection, cancelled,
 *   dropping their bytes; items already handled keep their outcome. Together with the rule above, whichever of
 *   a job's finish and a deletion's cancel comes first decides, and the other changes nothing.
 * - A run's `done`, `failed`, `cancelled` and `status` are counted from its items.
 * @example await catalog.createIngestionRun(run, items, jobs);
 */
export interface DocumentCatalog {
  createCollection(collection: CollectionRecord): Promise<void>;
  getCollection(name: string): Promise<CollectionRecord | null>;
  /** By name. */
  listCollections(): Promise<CollectionRecord[]>;
  putDocument(document: DocumentRecord): Promise<void>;
  getDocument(collection: string, id: string): Promise<DocumentRecord | null>;
  listDocuments(query: { collection: string; limit: number; after?: string }): Promise<DocumentRecord[]>;
  /** False when there was no such document. */
  deleteDocument(collection: string, id: string): Promise<boolean>;
  /** False when there is no such document. */
  setDocumentRule(collection: string, id: string, rule: AccessRule): Promise<boolean>;
  createIngestionRun(
    run: NewIngestionRun,
    items: ReadonlyArray<Omit<IngestionItem, 'runId' | 'outcome' | 'error'>>,
    jobs: readonly QueuedJob[],
  ): Promise<void>;
  getIngestionRun(id: string): Promise<(IngestionRun & { actor: IngestionActor }) | null>;
  /** Null when there is no such item. */
  getIngestionItem(runId: string, documentId: string): Promise<IngestionItem | null>;
  /**
   * True when this call recorded the outcome (and put `document`, when given); false when the item was already
   * handled or cancelled (or does not exist), and then nothing is written.
   */
  finishIngestionItem(outcome: {
    runId: string;
    documentId: string;
    outcome: Exclude<IngestionOutcome, 'cancelled'>;
    error: string | null;
    at: number;
    document?: DocumentRecord;
  }): Promise<boolean>;
  /** How many unfinished items of the document this call cancelled. */
  cancelIngestionItems(document: { collection: string; documentId: string; at: number }): Promise<number>;
}
