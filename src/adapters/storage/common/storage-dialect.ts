import type { Expression, Kysely, SqlBool } from 'kysely';
import type { LogSearchQuery } from '../../../core/log-search-query.js';
import type { Database } from './database.js';

export interface MatchSearchOptions {
  db: Kysely<Database>;
  search: LogSearchQuery;
}

type ConstraintViolation = 'unique' | 'foreign_key';

/**
 * What the shared store needs to know about the database behind it. Transactions are begun by the Kysely
 * driver: the SQLite one begins them IMMEDIATE, so no shared code has to know.
 */
export interface StorageDialect {
  readonly kind: 'sqlite' | 'postgres';
  /** The most bound parameters one statement may carry. */
  readonly maxParameters: number;
  /** Which constraint a driver error reports as violated, or null when it is not a constraint violation. */
  constraintViolationOf(error: unknown): ConstraintViolation | null;
  /**
   * A condition on a row of `interactions` (selected under its own name) that holds when its search text
   * matches `search`: every term, each term's tokens next to each other in order, the last a prefix when the
   * term says so. The two stores must agree on every query (test/contract/interaction-search.contract.ts). May
   * read the database to choose how to join its index, hence a promise.
   */
  matchSearch(options: MatchSearchOptions): Promise<Expression<SqlBool>>;
}
