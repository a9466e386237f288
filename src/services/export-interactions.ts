import { stringify } from 'csv-stringify/sync';
import type { InteractionRecord } from '../core/interaction.js';
import type { InteractionQuery, InteractionStore } from '../ports/interaction-store.js';

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const PAGE_SIZE = 500;

export interface ExportInteractionsRequest {
  /** The filters of a listing; paging is the export's own. */
  query: Omit<InteractionQuery, 'cursor' | 'limit'>;
  format: ExportFormat;
  /** Called after each page with the number of records exported so far. */
  onProgress?: (exported: number) => void;
}

type Cell = string | number | boolean | null;

// One flat row per interaction. Bodies and attempts are JSON text: spreadsheets then keep one line per request.
const CSV_COLUMNS: ReadonlyArray<readonly [string, (record: InteractionRecord) => Cell]> = [
  ['id', (record) => record.id],
  ['startedAt', (record) => record.startedAt],
  ['startedAtIso', (record) => new Date(record.startedAt).toISOString()],
  ['endpoint', (record) => record.endpoint],
  ['projectId', (record) => record.projectId],
  ['apiKeyId', (record) => record.apiKeyId],
  ['endUser', (record) => record.endUser],
  ['modelRequested', (record) => record.modelRequested],
  ['target', (record) => record.target],
  ['variant', (record) => record.variant],
  ['promptName', (record) => record.promptName],
  ['promptVersion', (record) => record.promptVersion],
  ['batchId', (record) => record.batchId],
  ['stream', (record) => record.stream],
  ['status', (record) => record.status],
  ['errorCode', (record) => record.errorCode],
  ['errorMessage', (record) => record.errorMessage],
  ['promptTokens', (record) => record.promptTokens],
  ['completionTokens', (record) => record.completionTokens],
  ['totalTokens', (record) => record.totalTokens],
  ['costUsd', (record) => record.costUsd],
  ['latencyMs', (record) => record.latencyMs],
  ['ttftMs', (record) => record.ttftMs],
  ['attemptCount', (record) => record.attempts.length],
  ['traceId', (record) => record.trace?.traceId ?? null],
  ['request', (record) => JSON.stringify(record.request)],
  ['response', (record) => JSON.stringify(record.response)],
  ['retrievedDocuments', (record) => JSON.stringify(record.retrievedDocuments)],
  ['attempts', (record) => JSON.stringify(record.attempts)],
];

function csvOf(records: readonly InteractionRecord[], header: boolean): string {
  return stringify(
    records.map((record) => CSV_COLUMNS.map(([, cell]) => cell(record))),
    {
      header,
      columns: CSV_COLUMNS.map(([name]) => name),
      cast: { boolean: (value) => (value ? 'true' : 'false') },
      // A cell starting with = + - @ would run as a formula when the file is opened in a spreadsheet.
      escape_formulas: true,
    },
  );
}

/**
 * The interactions a listing with the same filters would show, in the same order, as text chunks of a JSONL
 * file (one whole record per line, as stored: redacted) or a CSV file (a header, then one flat row per
 * record). Reads a page of summaries at a time and then the full records of that page, so memory stays bounded
 * whatever the size of the export; stops reading when the consumer stops iterating.
 *
 * @example for await (const chunk of exportInteractions(store, { query: { projectId }, format: 'jsonl' })) out.write(chunk);
 */
export async function* exportInteractions(
  store: Pick<InteractionStore, 'listInteractions' | 'getInteraction'>,
  request: ExportInteractionsRequest,
): AsyncGenerator<string> {
  let cursor: string | null = null;
  let exported = 0;
  // Sent with the first page rather than before it, so that a failing first read fails before any output.
  let header = request.format === 'csv' ? csvOf([], true) : '';
  do {
    const page = await store.listInteractions({
      ...request.query,
      limit: PAGE_SIZE,
      ...(cursor === null ? {} : { cursor }),
    });
    const fetched = await Promise.all(page.items.map((item) => store.getInteraction(item.id)));
    // A record deleted (by retention or an erasure) between the two reads is left out.
    const records = fetched.filter((record): record is InteractionRecord => record !== null);
    const body =
      records.length === 0
        ? ''
        : request.format === 'csv'
          ? csvOf(records, false)
          : records.map((record) => `${JSON.stringify(record)}\n`).join('');
    if (header.length + body.length > 0) yield header + body;
    header = '';
    exported += records.length;
    request.onProgress?.(exported);
    cursor = page.nextCursor;
  } while (cursor !== null);
}
