import { sql } from 'kysely';
import type { LogSearchQuery } from '../../../core/log-search-query.js';
import type { MatchSearchOptions, StorageDialect } from '../common/storage-dialect.js';

/** SQLITE_MAX_VARIABLE_NUMBER as better-sqlite3 builds SQLite. */
const SQLITE_MAX_PARAMETERS = 32_766;
/**
 * Below this many matches, a search reads the matching rows through the full-text index and sorts them (a few
 * thousand row lookups at most); from it on, it walks the listing's own index (the order, or a filter's) and
 * keeps the rows found in the list of matches, which SQLite builds once per query with a Bloom filter: with this
 * many matches a page is found within a few thousand index entries. SQLite's planner cannot tell the two apart
 * (FTS5 reports no statistics), so the store counts matches up to this bound first, which costs well under a
 * millisecond. Measured with bench/search.ts.
 */
const FEW_MATCHES = 5_000;

export const SQLITE_STORAGE_DIALECT: StorageDialect = Object.freeze({
  kind: 'sqlite',
  maxParameters: SQLITE_MAX_PARAMETERS,
  constraintViolationOf(error: unknown) {
    const code = (error as { code?: unknown } | null)?.code;
    switch (code) {
      case 'SQLITE_CONSTRAINT_UNIQUE':
      case 'SQLITE_CONSTRAINT_PRIMARYKEY':
        return 'unique';
      case 'SQLITE_CONSTRAINT_FOREIGNKEY':
        return 'foreign_key';
      default:
        return null;
    }
  },
  async matchSearch({ db, search }: MatchSearchOptions) {
    const match = toFts5Expression(search);
    const { rows } = await sql<{ matches: number }>`
      select count(*) as matches from (
        select 1 from interactions_fts where interactions_fts match ${match} limit ${FEW_MATCHES}
      )`.execute(db);
    if ((rows[0]?.matches ?? 0) < FEW_MATCHES) {
      return sql<boolean>`interactions.rowid in (
        select rowid from interactions_fts where interactions_fts match ${match})`;
    }
    // The unary `+` keeps the planner from driving the query by rowid: it must walk an index of the listing.
    return sql<boolean>`+interactions.rowid in (
      select rowid from interactions_fts where interactions_fts match ${match})`;
  },
});

/**
 * Tokens are letters and digits only (src/core/search-tokens.ts), so quoting each term as an FTS5 string is
 * enough to keep every user string from being read as query syntax.
 */
function toFts5Expression(search: LogSearchQuery): string {
  return search.terms
    .map((term) => `"${term.tokens.join(' ').replaceAll('"', '""')}"${term.prefix ? '*' : ''}`)
    .join(' AND ');
}
