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
}
