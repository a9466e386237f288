import { sql } from 'kysely';
import type { LogSearchQuery } from '../../../core/log-search-query.js';
import type { MatchSearchOptions, StorageDialect } from '../common/storage-dialect.js';

/** The wire protocol counts bind parameters in 16 bits. */
const POSTGRES_MAX_PARAMETERS = 65_535;

/**
 * PostgreSQL keeps statistics for frequent words only and guesses 0.5 % of the rows for any other, so for a rare
 * word it would walk the listing's index in order, filtering each row, through the whole table (9 s at 1M rows in
 * bench/search.ts) when the GIN index finds its few matches in milliseconds. So: when the planner's estimate says
 * the words are frequent (above 1 %, which it knows from statistics), it is right and chooses; otherwise the
 * store fetches up to FEW_MATCHES matching ids through the GIN index first and, when that is all of them, reads
 * the page by primary key. Probing frequent words that way instead would cost hundreds of ms (measured).
 */
const KNOWN_FREQUENT = 0.01;

type ExplainedPlan = Array<{ Plan: { 'Plan Rows': number } }>;
const FEW_MATCHES = 5_000;

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

export const POSTGRES_STORAGE_DIALECT: StorageDialect = Object.freeze({
  kind: 'postgres',
  maxParameters: POSTGRES_MAX_PARAMETERS,
  constraintViolationOf(error: unknown) {
    const code = (error as { code?: unknown } | null)?.code;
    switch (code) {
      case UNIQUE_VIOLATION:
        return 'unique';
      case FOREIGN_KEY_VIOLATION:
        return 'foreign_key';
      default:
        return null;
    }
  },
  async matchSearch({ db, search }: MatchSearchOptions) {
    const query = toTsQueryText(search);
    const matches = sql<boolean>`interactions.search_vector @@ to_tsquery('simple'::regconfig, ${query})`;
    const { rows: estimates } = await sql<{ total: number }>`
      select (select reltuples from pg_class where oid = to_regclass('interactions')) as total`.execute(db);
    const { rows: plans } = await sql<{ 'QUERY PLAN': string | ExplainedPlan }>`
      explain (format json) select 1 from interactions
      where search_vector @@ to_tsquery('simple'::regconfig, ${query})`.execute(db);
    const total = Number(estimates[0]?.total ?? 0);
    // JSON comes back as text (postgres-type-parsers.ts), unless a driver setting says otherwise.
    const explained = plans[0]?.['QUERY PLAN'];
    const plan = typeof explained === 'string' ? (JSON.parse(explained) as ExplainedPlan) : explained;
    const estimated = plan?.[0]?.Plan['Plan Rows'] ?? 0;
    if (total > 0 && estimated / total > KNOWN_FREQUENT) return matches;
    const { rows } = await sql<{ id: string }>`
      select id from interactions where search_vector @@ to_tsquery('simple'::regconfig, ${query})
      limit ${FEW_MATCHES}`.execute(db);
    // All the matches are known: the page is read by primary key and sorted, whatever the planner would guess.
    if (rows.length < FEW_MATCHES) return sql<boolean>`interactions.id = any(${rows.map((row) => row.id)})`;
    return matches;
  },
});

/**
 * Each token quoted as a lexeme (tokens are letters and digits only, src/core/search-tokens.ts; quotes are
 * doubled all the same), a term's tokens joined by `<->` (followed by), terms by `&`. to_tsquery still passes
 * each lexeme through the `simple` configuration, as to_tsvector did the indexed text, so both agree.
 */
function toTsQueryText(search: LogSearchQuery): string {
  return search.terms
    .map((term) => {
      const lexemes = term.tokens.map((token) => `'${token.replaceAll("'", "''")}'`);
      if (term.prefix) lexemes.push(`${lexemes.pop() ?? ''}:*`);
      return `(${lexemes.join(' <-> ')})`;
    })
    .join(' & ');
}
