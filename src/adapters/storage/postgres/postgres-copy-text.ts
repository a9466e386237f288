/** A value as the store's row mappers produce it for one column. */
type CopyValue = string | number | boolean | null | undefined;

// The characters COPY's text format gives a meaning to: the escape character itself and the row and column
// separators. Everything else, including the JSON text of JSONB columns, is taken as it is.
const SPECIAL = /[\\\n\r\t]/;
const SPECIALS = /[\\\n\r\t]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const NULL = '\\N';

function toField(value: CopyValue): string {
  if (value === null || value === undefined) return NULL;
  // Numbers and flags as pg would bind them (`String`), so that both paths store the same value: PostgreSQL
  // parses `1e-7`, `Infinity` and `1`/`0` for booleans alike.
  const text = typeof value === 'string' ? value : String(value);
  return SPECIAL.test(text) ? text.replace(SPECIALS, (special) => ESCAPES[special] ?? special) : text;
}

/**
 * The rows in PostgreSQL's COPY text format (tab-separated, `\N` for null, backslash escapes), one line per row,
 * each row's values in `columns` order; ready for `COPY … (columns) FROM STDIN`. Text must already be storable
 * (no U+0000, see storable-text.ts): COPY rejects it as PostgreSQL's text types do.
 * @example toPostgresCopyText([{ id: 'a', note: null }], ['id', 'note']) // 'a\t\\N\n'
 */
export function toPostgresCopyText<Row extends Record<string, CopyValue>>(
  rows: readonly Row[],
  columns: readonly (keyof Row & string)[],
): string {
  let text = '';
  for (const row of rows) {
    let separator = '';
    for (const column of columns) {
      text += separator + toField(row[column]);
      separator = '\t';
    }
    text += '\n';
  }
  return text;
}
