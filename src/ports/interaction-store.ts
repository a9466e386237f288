import type { InteractionRecord, InteractionStatus } from '../core/interaction.js';

export interface InteractionQuery {
  projectId?: string;
  apiKeyId?: string;
  modelRequested?: string;
  target?: string;
  status?: InteractionStatus;
  endUser?: string;
  /** Inclusive lower bound on `startedAt` (ms). */
  since?: number;
  /** Exclusive upper bound on `startedAt` (ms). */
  until?: number;
  /** Opaque cursor returned by a previous page. */
  cursor?: string;
  /** 1..500. */
  limit: number;
}

/** An interaction without its request and response bodies or attempts, for listings. */
export type InteractionSummary = Omit<
  InteractionRecord,
  'request' | 'response' | 'attempts' | 'retrievedDocuments' | 'trace'
> & {
  attemptCount: number;
};

export interface InteractionPage {
  items: InteractionSummary[];
  /** Null on the last page. */
  nextCursor: string | null;
}

/**
 * The interaction log. Records arrive already redacted.
 *
 * Contract:
 * - `appendInteractions` writes a batch in one transaction with each record's attempts; it is idempotent by
 *   interaction id (a record seen again is ignored), because the batched writer may retry a batch.
 * - `listInteractions` orders by `startedAt` descending then `id` descending; the cursor is stable under
 *   concurrent inserts of newer records. Throws `invalid_request` for a malformed cursor.
 */
export interface InteractionStore {
  appendInteractions(records: readonly InteractionRecord[]): Promise<void>;
  listInteractions(query: InteractionQuery): Promise<InteractionPage>;
  /** The whole record with attempts (ordered by index); null when absent. */
  getInteraction(id: string): Promise<InteractionRecord | null>;
}
