import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import { interactionSearchText } from '../../../../core/interaction-search-text.js';
import type { DialectColumnTypes } from '../dialect-column-types.js';
import { decodeJson } from '../json-column.js';

const BACKFILL_BATCH = 500;

/**
 * Full-text search over the interaction log (docs/decisions/2026-12-04-log-search-fts5-and-tsvector.md):
 * `interactions.search_text` holds the words of each record's redacted request and response, folded by
 * src/core/interaction-search-text.ts and written by the row mapper. SQLite indexes it in the FTS5
 * external-content table `interactions_fts`, kept in step by triggers (so that retention and erasure deletes
 * remove index entries without knowing about them); PostgreSQL in a generated `tsvector` column with a GIN index.
 * Also the indexes the other filters and sorts of a listing need.
 *
 * The dialect is told apart by its JSON column type, the one thing migrations are given that differs.
 */
export function createSearchMigration(types: DialectColumnTypes): Migration {
  const dialect = types.json === 'jsonb' ? 'postgres' : 'sqlite';
  return {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.alterTable('interactions').addColumn('search_text', 'text').execute();
      // Before the index exists, so that each row is indexed once, by the rebuild or the generated column.
      await backfillSearchText(db);
      for (const statement of dialect === 'sqlite' ? SQLITE_SEARCH_SQL : POSTGRES_SEARCH_SQL) {
        await sql.raw(statement).execute(db);
      }
      const listingOrder = ['started_at desc', 'id desc'];
      for (const [name, columns] of [
        ['interactions_prompt', ['prompt_name', ...listingOrder]],
        ['interactions_cost', ['cost_usd desc', 'id desc']],
        ['interactions_latency', ['latency_ms desc', 'id desc']],
        // Project-scoped keys and dashboard users always list one project: its costliest and slowest first.
        ['interactions_project_cost', ['project_id', 'cost_usd desc', 'id desc']],
        ['interactions_project_latency', ['project_id', 'latency_ms desc', 'id desc']],
      ] as const) {
        await db.schema
          .createIndex(name)
          .on('interactions')
          .columns([...columns])
          .execute();
      }
    },
  };
}

const SQLITE_SEARCH_SQL = [
  // remove_diacritics 2 folds what the row mapper already folded; it keeps text written by other means
  // (a raw import) searchable the same way.
  `CREATE VIRTUAL TABLE interactions_fts USING fts5(
     search_text, content='interactions', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
   )`,
  `INSERT INTO interactions_fts(interactions_fts) VALUES ('rebuild')`,
  `CREATE TRIGGER interactions_fts_insert AFTER INSERT ON interactions BEGIN
     INSERT INTO interactions_fts(rowid, search_text) VALUES (new.rowid, new.search_text);
   END`,
  // An external-content index forgets a row only when told the text it indexed.
  `CREATE TRIGGER interactions_fts_delete AFTER DELETE ON interactions BEGIN
     INSERT INTO interactions_fts(interactions_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
   END`,
  `CREATE TRIGGER interactions_fts_update AFTER UPDATE OF search_text ON interactions BEGIN
     INSERT INTO interactions_fts(interactions_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
     INSERT INTO interactions_fts(rowid, search_text) VALUES (new.rowid, new.search_text);
   END`,
];

const POSTGRES_SEARCH_SQL = [
  // `simple`: no stemming and no stop words, as FTS5's unicode61; the text is already folded and split.
  `ALTER TABLE interactions ADD COLUMN search_vector tsvector
     GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(search_text, ''))) STORED`,
  `CREATE INDEX interactions_search ON interactions USING gin (search_vector)`,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function backfillSearchText(db: Kysely<any>): Promise<void> {
  let after = '';
  for (;;) {
    const rows = (await db
      .selectFrom('interactions')
      .select(['id', 'request', 'response'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(BACKFILL_BATCH)
      .execute()) as Array<{ id: string; request: string | null; response: string | null }>;
    for (const row of rows) {
      const text = interactionSearchText({
        request: decodeJson(row.request),
        response: decodeJson(row.response),
      });
      await db.updateTable('interactions').set({ search_text: text }).where('id', '=', row.id).execute();
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < BACKFILL_BATCH) return;
    after = last.id;
  }
}
