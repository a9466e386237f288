import type BetterSqlite3 from 'better-sqlite3';
import type { AccessRule } from '../../../core/access/access-rule.js';
import type { IndexedDocument } from '../../../ports/vector-index.js';

interface DocumentRow {
  document_id: string;
  everyone: number;
  classification: string | null;
}

interface GrantRow {
  document_id: string;
  kind: 'user' | 'group' | 'role';
  subject: string;
}

interface ChunkRow {
  document_id: string;
  chunk_index: number;
  vector: Buffer;
}

/** A stored vector blob: little-endian float32, as Float32Array lays it out on every platform Node runs on. */
const toBlob = (vector: Float32Array): Buffer =>
  Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);

const fromBlob = (blob: Buffer): Float32Array => {
  const copy = new Uint8Array(blob);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
};

/** The prepared statements of the index's SQLite file, one method per durable change or read. */
export class VectorRows {
  readonly #statements;

  constructor(readonly database: BetterSqlite3.Database) {
    this.#statements = {
      collections: database.prepare<[], { name: string; dimension: number }>(
        'SELECT name, dimension FROM vector_collections ORDER BY name',
      ),
      insertCollection: database.prepare('INSERT INTO vector_collections (name, dimension) VALUES (?, ?)'),
      documents: database.prepare<[string], DocumentRow>(
        'SELECT document_id, everyone, classification FROM vector_documents WHERE collection = ?',
      ),
      grants: database.prepare<[string], GrantRow>(
        'SELECT document_id, kind, subject FROM vector_document_grants WHERE collection = ?',
      ),
      chunks: database.prepare<[string], ChunkRow>(
        'SELECT document_id, chunk_index, vector FROM vector_chunks WHERE collection = ? ORDER BY document_id, chunk_index',
      ),
      chunkText: database.prepare<[string, string, number], { text: string }>(
        'SELECT text FROM vector_chunks WHERE collection = ? AND document_id = ? AND chunk_index = ?',
      ),
      deleteDocument: database.prepare(
        'DELETE FROM vector_documents WHERE collection = ? AND document_id = ?',
      ),
      deleteGrants: database.prepare(
        'DELETE FROM vector_document_grants WHERE collection = ? AND document_id = ?',
      ),
      insertDocument: database.prepare(
        'INSERT INTO vector_documents (collection, document_id, everyone, classification) VALUES (?, ?, ?, ?)',
      ),
      updateDocument: database.prepare(
        'UPDATE vector_documents SET everyone = ?, classification = ? WHERE collection = ? AND document_id = ?',
      ),
      insertGrant: database.prepare(
        'INSERT INTO vector_document_grants (collection, document_id, kind, subject) VALUES (?, ?, ?, ?)',
      ),
      insertChunk: database.prepare(
        'INSERT INTO vector_chunks (collection, document_id, chunk_index, text, vector) VALUES (?, ?, ?, ?, ?)',
      ),
    };
  }

  collections(): { name: string; dimension: number }[] {
    return this.#statements.collections.all();
  }

  insertCollection(name: string, dimension: number): void {
    this.#statements.insertCollection.run(name, dimension);
  }

  /** Every document of a collection with its rule and its chunks' vectors (not their text), for loading. */
  loadDocuments(
    collection: string,
  ): Map<string, { rule: AccessRule; chunks: { index: number; vector: Float32Array }[] }> {
    const grants = new Map<string, { users: string[]; groups: string[]; roles: string[] }>();
    for (const row of this.#statements.grants.iterate(collection)) {
      let lists = grants.get(row.document_id);
      if (!lists) grants.set(row.document_id, (lists = { users: [], groups: [], roles: [] }));
      lists[`${row.kind}s`].push(row.subject);
    }
    const documents = new Map<
      string,
      { rule: AccessRule; chunks: { index: number; vector: Float32Array }[] }
    >();
    for (const row of this.#statements.documents.iterate(collection)) {
      const lists = grants.get(row.document_id) ?? { users: [], groups: [], roles: [] };
      const rule: AccessRule = Object.freeze({
        everyone: row.everyone === 1,
        users: Object.freeze(lists.users.sort()),
        groups: Object.freeze(lists.groups.sort()),
        roles: Object.freeze(lists.roles.sort()),
        classification: row.classification,
      });
      documents.set(row.document_id, { rule, chunks: [] });
    }
    for (const row of this.#statements.chunks.iterate(collection)) {
      documents.get(row.document_id)?.chunks.push({ index: row.chunk_index, vector: fromBlob(row.vector) });
    }
    return documents;
  }

  chunkText(collection: string, documentId: string, chunkIndex: number): string | undefined {
    return this.#statements.chunkText.get(collection, documentId, chunkIndex)?.text;
  }

  /** Deletes the document's row; its grants and chunks go with it (ON DELETE CASCADE). */
  deleteDocument(collection: string, documentId: string): boolean {
    return this.#statements.deleteDocument.run(collection, documentId).changes > 0;
  }

  /** Writes a new document (the caller has deleted any previous one in the same transaction). */
  insertDocument(document: IndexedDocument): void {
    const { collection, documentId, rule } = document;
    this.#statements.insertDocument.run(collection, documentId, rule.everyone ? 1 : 0, rule.classification);
    this.#insertGrants(collection, documentId, rule);
    for (const chunk of document.chunks) {
      this.#statements.insertChunk.run(collection, documentId, chunk.index, chunk.text, toBlob(chunk.vector));
    }
  }

  /** False when there is no such document. */
  updateRule(collection: string, documentId: string, rule: AccessRule): boolean {
    const changed = this.#statements.updateDocument.run(
      rule.everyone ? 1 : 0,
      rule.classification,
      collection,
      documentId,
    ).changes;
    if (changed === 0) return false;
    this.#statements.deleteGrants.run(collection, documentId);
    this.#insertGrants(collection, documentId, rule);
    return true;
  }

  #insertGrants(collection: string, documentId: string, rule: AccessRule): void {
    const grants: [GrantRow['kind'], readonly string[]][] = [
      ['user', rule.users],
      ['group', rule.groups],
      ['role', rule.roles],
    ];
    for (const [kind, subjects] of grants) {
      for (const subject of subjects) this.#statements.insertGrant.run(collection, documentId, kind, subject);
    }
  }
}
