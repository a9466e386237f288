import type { FileLine } from './batch.js';

/** Errors listed for one upload at most: enough to fix a file, without an answer as long as the file. */
export const MAX_LISTED_LINE_ERRORS = 20;

interface JsonlLineError {
  line: number;
  message: string;
}

export type JsonlUploadParse =
  { ok: true; lines: FileLine[] } | { ok: false; errors: JsonlLineError[]; errorCount: number };

/**
 * Splits an uploaded JSONL text into its non-blank lines, each of which must be one JSON object. Blank lines
 * (a trailing newline, CRLF endings) are skipped but still counted, so that line numbers match an editor's.
 * @example safeParseJsonlUpload('{"a":1}\nnope\n') // { ok: false, errors: [{ line: 2, message: … }], errorCount: 1 }
 */
export function safeParseJsonlUpload(text: string): JsonlUploadParse {
  const lines: FileLine[] = [];
  const errors: JsonlLineError[] = [];
  let errorCount = 0;
  const report = (error: JsonlLineError) => {
    errorCount += 1;
    if (errors.length < MAX_LISTED_LINE_ERRORS) errors.push(error);
  };
  text.split('\n').forEach((raw, index) => {
    const lineText = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (lineText.trim() === '') return;
    const lineNo = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch {
      report({ line: lineNo, message: 'not valid JSON' });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      report({ line: lineNo, message: 'not a JSON object' });
      return;
    }
    lines.push({ lineNo, text: lineText });
  });
  if (errorCount > 0) return { ok: false, errors, errorCount };
  if (lines.length === 0)
    return { ok: false, errors: [{ line: 1, message: 'the file has no lines' }], errorCount: 1 };
  return { ok: true, lines };
}
