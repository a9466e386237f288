import type BetterSqlite3 from 'better-sqlite3';
import { SlipwayError } from '../../../core/errors.js';

/** The schema version this code writes, kept in SQLite's `user_version` (the queue file is not the Store). */
const SCHEMA_VERSION = 1;

// `seq` gives enqueue order; `visible_at` is when the job may be claimed next (now for a ready job, the end of the
// backoff or `notBefore` for a delayed one, the end of the lease for a claimed one); `claim` is the token of the
// delivery that holds the lease, so that a holder whose lease lapsed cannot settle a later delivery.
const VERSION_1 = `
CREATE TABLE IF NOT EXISTS jobs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL,
  enqueued_at INTEGER NOT NULL,
  visible_at INTEGER NOT NULL,
  claim TEXT,
  last_error TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS jobs_by_name ON jobs (name, seq);
CREATE TABLE IF NOT EXISTS dead_letters (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  max_attempts INTEGER NOT NULL,
  enqueued_at INTEGER NOT NULL,
  reason TEXT NOT NULL,
  dead_lettered_at INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS dead_letters_by_name ON dead_letters (name, seq);
`;

/**
 * Brings the queue file to the current schema, forward only, in one IMMEDIATE transaction so that two processes
 * opening a new file at once do not both create it. Throws `internal_error` for a file written by a newer version.
 */
export function migrateEmbeddedQueue(database: BetterSqlite3.Database): void {
  database
    .transaction(() => {
      const version = database.pragma('user_version', { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new SlipwayError(
          'internal_error',
          `The queue file has schema version ${version}; this Slipway knows up to ${SCHEMA_VERSION}`,
        );
      }
      if (version < 1) database.exec(VERSION_1);
      database.pragma(`user_version = ${SCHEMA_VERSION}`);
    })
    .immediate();
}
