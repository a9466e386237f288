import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database.js';

/** What a unit of work returns, and whether its writes are to be kept. */
export interface TransactionOutcome<T> {
  result: T;
  commit: boolean;
}

/**
 * Runs `work` in one transaction, which is committed or rolled back as it decides (a throw rolls back). Unlike
 * Kysely's `transaction().execute`, a unit of work can roll back and still return a result, as a denied
 * reservation does.
 */
export async function runTransaction<T>(
  db: Kysely<Database>,
  work: (transaction: Transaction<Database>) => Promise<TransactionOutcome<T>>,
): Promise<T> {
  // The ledger's conditional upserts rely on READ COMMITTED: a waiter re-checks the row as the lock holder left
  // it, where a SERIALIZABLE default would make it fail instead. SQLite's driver ignores the level.
  const transaction = await db.startTransaction().setIsolationLevel('read committed').execute();
  let outcome: TransactionOutcome<T>;
  try {
    outcome = await work(transaction);
  } catch (error) {
    // The error says why; a rollback that fails too means the connection is gone, and Kysely releases it anyway.
    await transaction
      .rollback()
      .execute()
      .catch(() => undefined);
    throw error;
  }
  if (outcome.commit) await transaction.commit().execute();
  else await transaction.rollback().execute();
  return outcome.result;
}
