import { existsSync, readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';

const SEARCH_INDEX = 'interactions_fts';

function holds(value: unknown, needle: string): boolean {
  if (typeof value === 'string') return value.toLowerCase().includes(needle);
  if (Buffer.isBuffer(value)) return value.toString('latin1').toLowerCase().includes(needle);
  return false;
}

/**
 * Where `needle` (lower case, ASCII) appears in the SQLite database at `path`: each table of sqlite_master (FTS5
 * shadow tables included) whose rows hold it as text or in a blob, the FTS5 vocabulary (terms are stored
 * prefix-compressed, so a blob scan alone could miss one), and the raw bytes of the database file and its WAL
 * (free pages and stale page copies). Returns the places found, e.g. `['table interactions', 'file']`.
 */
export function findTextInSqlite(path: string, needle: string): string[] {
  const found: string[] = [];
  const database = new BetterSqlite3(path);
  try {
    const tables = database
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all();
    for (const { name } of tables) {
      const rows = database.prepare<[], Record<string, unknown>>(`SELECT * FROM "${name}"`).all();
      if (rows.some((row) => Object.values(row).some((value) => holds(value, needle)))) {
        found.push(`table ${name}`);
      }
    }
    if (tables.some((table) => table.name === SEARCH_INDEX)) {
      database.exec(
        `CREATE VIRTUAL TABLE temp.scan_vocabulary USING fts5vocab(main, ${SEARCH_INDEX}, 'row')`,
      );
      const terms = database
        .prepare<[string], { term: string }>('SELECT term FROM temp.scan_vocabulary WHERE instr(term, ?) > 0')
        .all(needle);
      if (terms.length > 0) found.push(`${SEARCH_INDEX} vocabulary`);
    }
  } finally {
    database.close();
  }
  for (const file of [path, `${path}-wal`]) {
    if (existsSync(file) && holds(readFileSync(file), needle)) found.push(`file ${file.slice(-10)}`);
  }
  return found;
}
