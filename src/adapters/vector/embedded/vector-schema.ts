import type BetterSqlite3 from 'better-sqlite3';
import { SlipwayError } from '../../../core/errors.js';

const SCHEMA_VERSION = 1;

// The rule is stored as indexed columns and grant rows rather than a JSON blob, so that "which documents may this
// user, group or role read" is an index lookup for the tools that will list and audit access.
const CREATE_SCHEMA = `
CREATE TABLE vector_collections (
  name TEXT PRIMARY KEY,
  dimension INTEGER NOT NULL CHECK (dimension > 0)
) STRICT;
CREATE TABLE vector_documents (
  collection TEXT NOT NULL REFERENCES vector_collections (name),
  document_id TEXT NOT NULL,
  everyone INTEGER NOT NULL CHECK (everyone IN (0, 1)),
  classification TEXT,
  PRIMARY KEY (collection, document_id)
) STRICT;
CREATE INDEX vector_documents_by_access ON vector_documents (collection, everyone, classification);
CREATE TABLE vector_document_grants (
  collection TEXT NOT NULL,
  document_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('user', 'group', 'role')),
  subject TEXT NOT NULL,
  PRIMARY KEY (collection, kind, subject, document_id),
  FOREIGN KEY (collection, document_id) REFERENCES vector_documents (collection, document_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX vector_document_grants_by_document ON vector_document_grants (collection, document_id);
CREATE TABLE vector_chunks (
  collection TEXT NOT NULL,
  document_id TEXT NOT NULL,
  chunk_index INTEGER NOT NULL,
  text TEXT NOT NULL,
  vector BLOB NOT NULL,
  PRIMARY KEY (collection, document_id, chunk_index),
  FOREIGN KEY (collection, document_id) REFERENCES vector_documents (collection, document_id) ON DELETE CASCADE
) STRICT;
`;

/**
 * Brings the index's own SQLite file to the current schema (forward only) and refuses a file written by a newer
 * Slipway, whose layout this code cannot know.
 */
export function migrateVectorSchema(database: BetterSqlite3.Database): void {
  const version = database.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new SlipwayError(
      'internal_error',
      `The vector index file has schema version ${version}; this Slipway knows up to ${SCHEMA_VERSION}`,
    );
  }
  if (version === SCHEMA_VERSION) return;
  database.transaction(() => {
    database.exec(CREATE_SCHEMA);
    database.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}
