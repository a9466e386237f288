import { CsvError, parse } from 'csv-parse/sync';
import type { ClassificationLevels } from '../core/access/classification-levels.js';
import type { EndUserFields } from '../core/end-user.js';
import { completeEndUser, safeParseEndUserInput } from './end-user-input.js';

/** A sync file: CSV text (columns id, name, groups, roles, clearance, disabled) or JSON entries. */
export type EndUserSyncFile = { format: 'csv'; text: string } | { format: 'json'; users: readonly unknown[] };

/** One refused line: the CSV line (the entry's last line) or the JSON entry's number, from 1. */
export interface EndUserSyncLineError {
  line: number;
  id: string | null;
  message: string;
}

const CSV_COLUMNS = new Set(['id', 'name', 'groups', 'roles', 'clearance', 'disabled']);
const TRUE_WORDS = new Set(['true', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'no', '0', '']);

interface Line {
  line: number;
  value: unknown;
}

/** `a;b` → ['a', 'b']; an empty cell is no names. */
const splitNames = (cell: string): string[] =>
  cell
    .split(';')
    .map((name) => name.trim())
    .filter((name) => name !== '');

/** A CSV record as the JSON entry it stands for; a cell it cannot read is passed on for the schema to refuse. */
function entryOfCsvRecord(record: Record<string, string>): Record<string, unknown> {
  const entry: Record<string, unknown> = { id: record.id ?? '' };
  if (record.name !== undefined && record.name !== '') entry.name = record.name;
  if (record.groups !== undefined) entry.groups = splitNames(record.groups);
  if (record.roles !== undefined) entry.roles = splitNames(record.roles);
  if (record.clearance !== undefined) entry.clearance = record.clearance === '' ? null : record.clearance;
  if (record.disabled !== undefined) {
    const word = record.disabled.toLowerCase();
    entry.disabled = TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : record.disabled;
  }
  return entry;
}

function csvLines(text: string): Line[] | EndUserSyncLineError {
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  try {
    records = parse<Record<string, string>>(text, {
      bom: true,
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      info: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as Array<{ record: Record<string, string>; info: { lines: number } }>;
  } catch (error) {
    const line = error instanceof CsvError ? ((error as CsvError & { lines?: number }).lines ?? 1) : 1;
    return {
      line,
      id: null,
      message: `not valid CSV: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const first = records[0];
  const unknown =
    first === undefined ? [] : Object.keys(first.record).filter((name) => !CSV_COLUMNS.has(name));
  if (first !== undefined && !('id' in first.record)) {
    return { line: 1, id: null, message: 'the header has no "id" column' };
  }
  if (unknown.length > 0) {
    return {
      line: 1,
      id: null,
      message: `unknown column(s) ${unknown.join(', ')}; expected ${[...CSV_COLUMNS].join(', ')}`,
    };
  }
  return records.map(({ record, info }) => ({ line: info.lines, value: entryOfCsvRecord(record) }));
}

/**
 * Reads every entry of a sync file, checking each on its own, so that one run reports every bad line. Entries
 * are whole: a field a line leaves out takes its default (no groups, no clearance, enabled), never the
 * directory's current value. A second line with the same id is an error.
 * @example readEndUserSyncFile({ format: 'csv', text: 'id,groups\nu1,finance;audit\n' }, levels).users[0].groups // ['audit', 'finance']
 */
export function readEndUserSyncFile(
  file: EndUserSyncFile,
  levels: ClassificationLevels,
): { users: EndUserFields[]; errors: EndUserSyncLineError[] } {
  const lines =
    file.format === 'csv'
      ? csvLines(file.text)
      : file.users.map((value, index) => ({ line: index + 1, value }));
  if (!Array.isArray(lines)) return { users: [], errors: [lines] };
  const users: EndUserFields[] = [];
  const errors: EndUserSyncLineError[] = [];
  const seen = new Map<string, number>();
  for (const { line, value } of lines) {
    const claimedId =
      value !== null && typeof value === 'object' ? (value as { id?: unknown }).id : undefined;
    const id = typeof claimedId === 'string' ? claimedId : null;
    const parsed = safeParseEndUserInput(value, levels);
    if (!parsed.success) {
      errors.push({ line, id, message: parsed.message });
      continue;
    }
    const first = seen.get(parsed.input.id);
    if (first !== undefined) {
      errors.push({ line, id, message: `id "${parsed.input.id}" is listed twice (first on line ${first})` });
      continue;
    }
    seen.set(parsed.input.id, line);
    users.push(completeEndUser(parsed.input, null));
  }
  return { users, errors };
}
