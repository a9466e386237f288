import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';
import type { SqliteConnection } from './sqlite-connection.js';

/**
 * The connection behind Kysely's `SqliteDatabase`, with prepared statements kept in a small LRU cache by SQL
 * text. Kysely prepares every query anew, and preparing a statement can cost as much as running it.
 *
 * Reusing a statement is safe because better-sqlite3 runs it to completion synchronously; only Kysely's
 * `stream()` would hold one open, and the store never streams.
 */
export function cacheStatements(connection: SqliteConnection, capacity: number): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement<unknown[]>>();
  return {
    close: () => {
      statements.clear();
      connection.close();
    },
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = connection.prepare(sql);
        if (statements.size >= capacity) {
          const oldest = statements.keys().next();
          if (oldest.done !== true) statements.delete(oldest.value);
        }
      } else {
        statements.delete(sql);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
