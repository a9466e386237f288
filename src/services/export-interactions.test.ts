import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anInteraction } from '../../test/contract/store-fixtures.js';
import type { InteractionRecord } from '../core/interaction.js';
import type { InteractionPage, InteractionQuery } from '../ports/interaction-store.js';
import { exportInteractions, type ExportFormat } from './export-interactions.js';

/** Pages by offset over records kept newest first, filtering on the model only; records the queries. */
class FakeInteractionStore {
  readonly queries: InteractionQuery[] = [];
  constructor(readonly records: InteractionRecord[]) {}

  listInteractions(query: InteractionQuery): Promise<InteractionPage> {
    this.queries.push(query);
    const matching = this.records.filter(
      (record) => query.modelRequested === undefined || record.modelRequested === query.modelRequested,
    );
    const start = Number(query.cursor ?? 0);
    const items = matching
      .slice(start, start + query.limit)
      .map(
        ({
          request: _request,
          response: _response,
          attempts,
          retrievedDocuments: _documents,
          trace: _trace,
          ...summary
        }) => ({
          ...summary,
          attemptCount: attempts.length,
        }),
      );
    const next = start + query.limit;
    return Promise.resolve({ items, nextCursor: next < matching.length ? String(next) : null });
  }

  getInteraction(id: string): Promise<InteractionRecord | null> {
    return Promise.resolve(this.records.find((record) => record.id === id) ?? null);
  }
}

async function collect(
  store: FakeInteractionStore,
  format: ExportFormat,
  query: Omit<InteractionQuery, 'cursor' | 'limit'> = {},
): Promise<{ text: string; progress: number[] }> {
  const progress: number[] = [];
  let text = '';
  for await (const chunk of exportInteractions(store, {
    query,
    format,
    onProgress: (n) => progress.push(n),
  })) {
    text += chunk;
  }
  return { text, progress };
}

/** RFC 4180, enough to read back what csv-stringify wrote. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  return rows;
}

const many = (count: number) =>
  Array.from({ length: count }, (_, index) =>
    anInteraction({
      id: `int_${String(count - index).padStart(4, '0')}`,
      startedAt: 1_700_000_000_000 + count - index,
    }),
  );

describe('exportInteractions', () => {
  it('writes every matching record as one JSON line, across pages, reporting progress per page', async () => {
    const records = many(1_203);
    const store = new FakeInteractionStore(records);
    const { text, progress } = await collect(store, 'jsonl');
    const lines = text.trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(records);
    expect(progress).toEqual([500, 1_000, 1_203]);
    expect(store.queries.map((query) => query.cursor)).toEqual([undefined, '500', '1000']);
  });

  it('passes the filters to every page and ignores any cursor or limit given', async () => {
    const store = new FakeInteractionStore([
      anInteraction({ id: 'a', modelRequested: 'gpt' }),
      anInteraction({ id: 'b', modelRequested: 'other' }),
    ]);
    const { text } = await collect(store, 'jsonl', { modelRequested: 'gpt' });
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as InteractionRecord).id),
    ).toEqual(['a']);
    expect(store.queries).toEqual([{ modelRequested: 'gpt', limit: 500 }]);
  });

  it('writes a CSV header and one flat row per record, quoting and defusing formulas', async () => {
    const record = anInteraction({
      id: 'int_csv',
      errorMessage: '=HYPERLINK("http://evil")',
      request: { messages: [{ role: 'user', content: 'line one\nline "two", three' }] },
    });
    const { text } = await collect(new FakeInteractionStore([record]), 'csv');
    const [header, row, ...rest] = parseCsv(text);
    expect(rest).toEqual([]);
    const cells = Object.fromEntries((header ?? []).map((name, index) => [name, row?.[index]]));
    expect(cells).toMatchObject({
      id: 'int_csv',
      startedAt: String(record.startedAt),
      startedAtIso: new Date(record.startedAt).toISOString(),
      stream: 'false',
      endUser: '',
      errorMessage: `'=HYPERLINK("http://evil")`,
      attemptCount: String(record.attempts.length),
      request: JSON.stringify(record.request),
    });
  });

  it('writes only the header for an empty result, and nothing for an empty JSONL export', async () => {
    const store = new FakeInteractionStore([]);
    expect(parseCsv((await collect(store, 'csv')).text)).toHaveLength(1);
    expect((await collect(store, 'jsonl')).text).toBe('');
  });

  it('fails on the first read before yielding anything, so that the caller can still answer with an error', async () => {
    const store = new FakeInteractionStore([anInteraction()]);
    store.listInteractions = () => Promise.reject(new Error('database is locked'));
    const chunks = exportInteractions(store, { query: {}, format: 'csv' })[Symbol.asyncIterator]();
    await expect(chunks.next()).rejects.toThrow('database is locked');
  });

  it('leaves out a record deleted between the listing and the read', async () => {
    const store = new FakeInteractionStore([anInteraction({ id: 'a' }), anInteraction({ id: 'b' })]);
    store.getInteraction = (id) => Promise.resolve(id === 'a' ? null : (store.records[1] ?? null));
    const { text, progress } = await collect(store, 'jsonl');
    expect(text.trimEnd().split('\n')).toHaveLength(1);
    expect(progress).toEqual([1]);
  });

  it('round-trips any text of a record in both formats', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (content, endUser) => {
        const record = anInteraction({ endUser, request: { messages: [{ role: 'user', content }] } });
        const store = new FakeInteractionStore([record]);
        const jsonl = (await collect(store, 'jsonl')).text;
        expect(jsonl.endsWith('\n')).toBe(true);
        expect(JSON.parse(jsonl)).toEqual(record);
        const [header, row] = parseCsv((await collect(store, 'csv')).text);
        const request = row?.[header?.indexOf('request') ?? -1];
        expect(JSON.parse(request ?? 'null')).toEqual(record.request);
      }),
      { numRuns: 200 },
    );
  });
});
