/** The column types the two dialects spell differently; everything else in the schema is written once. */
export interface DialectColumnTypes {
  /** TEXT on SQLite (its JSON functions work on text), JSONB on PostgreSQL. */
  json: 'text' | 'jsonb';
}
