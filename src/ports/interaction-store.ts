import type { InteractionRecord, InteractionStatus } from '../core/interaction.js';

/**
 * The order of a listing, always descending, ties broken by `id` descending: `recent` by `startedAt`, `cost` by
 * `costUsd`, `latency` by `latencyMs`.
 */
export type InteractionSort = 'recent' | 'cost' | 'latency';

/** A listing of the interaction log: every given filter must hold (AND). */
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
  /**
   * Full-text search over the redacted request and response text (see src/core/log-search-query.ts): every word
   * must match, case and diacritics do not matter, `"a phrase"` matches words next to each other, `word*` is a
   * prefix. Text with no word in it throws `invalid_request` (param `q`); no text throws anything else.
   */
  text?: string;
  /** Exactly this prompt name. */
  promptName?: string;
  /** Inclusive bounds on `costUsd` (USD). */
  minCostUsd?: number;
  maxCostUsd?: number;
  /** Inclusive bounds on `latencyMs`. */
  minLatencyMs?: number;
  maxLatencyMs?: number;
  /** Default `recent`. */
  sort?: InteractionSort;
  /** Opaque cursor returned by a previous page of a listing with the same sort. */
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
 * - `listInteractions` orders by the query's sort key descending (`startedAt` by default, or `costUsd`,
 *   `latencyMs`), then `id` descending, so the order is total. A cursor holds the sort key and id of the last
 *   item, so paging never repeats nor skips a record present throughout, whatever is inserted meanwhile (a record
 *   inserted behind the cursor appears on a later page, one ahead of it does not). Project scope and every
 *   filter combine with the text search. Throws `invalid_request` for a malformed cursor, a cursor of another
 *   sort (param `cursor`), and a search text holding no word (param `q`).
 */
export interface InteractionStore {
  appendInteractions(records: readonly InteractionRecord[]): Promise<void>;
  listInteractions(query: InteractionQuery): Promise<InteractionPage>;
  /** The whole record with attempts (ordered by index); null when absent. */
  getInteraction(id: string): Promise<InteractionRecord | null>;
}
