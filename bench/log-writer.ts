/**
 * Interaction log throughput: rows per second of a raw batched load (multi-row INSERTs on SQLite, COPY on
 * PostgreSQL) against the full log-writer path (redaction on, the real Store), on SQLite and on PostgreSQL, in one
 * run. Goal: writer / raw >= 0.6.
 *
 * Run with `npm run bench:log`. PostgreSQL is `postgres://postgres@127.0.0.1:5432/test` unless
 * SLIPWAY_BENCH_POSTGRES_URL says otherwise; the bench works in temporary schemas it drops at the end.
 * Results go to bench/results/log-writer.json.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import { finished } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createFileInteractionSpill } from '../src/adapters/spill/index.js';
import { openPostgresStore } from '../src/adapters/storage/postgres/index.js';
import { openSqliteStore } from '../src/adapters/storage/sqlite/index.js';
import { redactInteraction } from '../src/compose/redact-interaction.js';
import type { InteractionRecord } from '../src/core/interaction.js';
import { interactionSearchText } from '../src/core/interaction-search-text.js';
import { PII_ENTITIES } from '../src/core/redaction/pii-entity.js';
import { createRedactor } from '../src/core/redaction/redactor.js';
import type { Store } from '../src/ports/store.js';
import { createInteractionLogWriter } from '../src/services/interaction-log-writer.js';
import { summarize } from './lib/bench-stats.js';
import { writeBenchResult } from './lib/write-bench-result.js';

const SQLITE_ROWS = 100_000;
const POSTGRES_ROWS = 50_000;
const ROUNDS = 5;
const RAW_ROWS_PER_TRANSACTION = 1_000;
/** The writer as configured by default (src/config: logging.batchSize, flushIntervalMs, bufferLimit). */
const WRITER_SETTINGS = { batchSize: 500, flushIntervalMs: 250, bufferLimit: 20_000 } as const;
const GOAL_RATIO = 0.6;
const POSTGRES_URL = process.env.SLIPWAY_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const INTERACTION_COLUMNS = [
  'id',
  'endpoint',
  'project_id',
  'api_key_id',
  'end_user',
  'model_requested',
  'target',
  'variant',
  'prompt_name',
  'prompt_version',
  'retrieved_documents',
  'batch_id',
  'stream',
  'status',
  'error_code',
  'error_message',
  'request',
  'response',
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'cost_usd',
  'latency_ms',
  'ttft_ms',
  'started_at',
  'attempt_count',
  'trace_id',
  'span_id',
  'parent_span_id',
  'trace_sampled',
  'search_text',
] as const;
const ATTEMPT_COLUMNS = [
  'interaction_id',
  'attempt_index',
  'provider_id',
  'model',
  'started_at',
  'latency_ms',
  'ttft_ms',
  'status',
  'error_code',
  'error_message',
  'upstream_status',
] as const;

// ---------------------------------------------------------------------------------------------------------------
// Realistic interactions: ~0.8 KB of request and response JSON, one or two attempts, personal data in some.

const SYSTEM_PROMPT =
  'You are the support assistant of Acme Cloud. Answer briefly and precisely, cite the relevant help-centre ' +
  'article, and never ask the customer for a password.';
const QUESTIONS = [
  'How do I rotate the API keys of my production project without downtime for the workers?',
  'Our invoice for last month shows two charges for the same seat, can you explain why this happened?',
  'What is the difference between the standard and the premium storage tiers for archived backups?',
  'The dashboard keeps logging me out after a few minutes since yesterday, what should I check first?',
  'Can I move a project from the EU region to the US region and keep the existing endpoints working?',
];
const ANSWERS = [
  'Create a second key, deploy it to the workers, then revoke the first one from Settings > API keys. ' +
    'Both keys work during the switch, so nothing stops. See "Rotating keys" in the help centre.',
  'The second charge is a pro-rated seat added on the 14th and removed on the 15th. It will be credited on ' +
    'your next invoice automatically; see "Pro-rated seats" for the rules that apply.',
  'Premium storage keeps three replicas across zones and restores within minutes; standard keeps one and ' +
    'restores within hours. Archived backups rarely need premium; see "Storage tiers" for prices.',
];

function makeInteraction(index: number, prefix: string): InteractionRecord {
  const startedAt = 1_750_000_000_000 + index * 10;
  const question = QUESTIONS[index % QUESTIONS.length] as string;
  // One in five carries personal data for the redactor to replace, as support conversations do.
  const userContent =
    index % 5 === 0
      ? `${question} You can reach me at jane.doe${index}@example.com or +44 20 7946 0${String(index % 1000).padStart(3, '0')}.`
      : question;
  const answer = ANSWERS[index % ANSWERS.length] as string;
  const retried = index % 4 === 0;
  const request = {
    model: 'support-chat',
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: userContent },
    ],
    temperature: 0.2,
    max_tokens: 256,
    user: `user-${index % 977}`,
  };
  const response = {
    id: `chatcmpl-${prefix}${index}`,
    object: 'chat.completion',
    created: Math.floor(startedAt / 1000),
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 64, completion_tokens: 48, total_tokens: 112 },
  };
  const success = {
    index: retried ? 1 : 0,
    providerId: 'openai',
    model: 'gpt-4o-mini',
    startedAt: startedAt + (retried ? 350 : 0),
    latencyMs: 820,
    ttftMs: null,
    status: 'success' as const,
    errorCode: null,
    errorMessage: null,
    upstreamStatus: 200,
  };
  const failure = {
    index: 0,
    providerId: 'azure',
    model: 'gpt-4o-mini',
    startedAt,
    latencyMs: 350,
    ttftMs: null,
    status: 'error' as const,
    errorCode: 'rate_limited',
    errorMessage: 'Rate limit reached for requests',
    upstreamStatus: 429,
  };
  return {
    id: `int_${prefix}${String(index).padStart(8, '0')}`,
    endpoint: 'chat.completions',
    projectId: 'prj_bench',
    apiKeyId: 'key_bench',
    endUser: `user-${index % 977}`,
    modelRequested: 'support-chat',
    target: 'openai/gpt-4o-mini',
    variant: null,
    promptName: null,
    promptVersion: null,
    retrievedDocuments: [],
    batchId: null,
    stream: false,
    status: 'success',
    errorCode: null,
    errorMessage: null,
    request,
    response,
    promptTokens: 64,
    completionTokens: 48,
    totalTokens: 112,
    costUsd: 0.0000384,
    latencyMs: retried ? 1_190 : 840,
    ttftMs: null,
    startedAt,
    trace: null,
    attempts: retried ? [failure, success] : [success],
  };
}

function makeInteractions(count: number, prefix: string): InteractionRecord[] {
  return Array.from({ length: count }, (_, index) => makeInteraction(index, prefix));
}

function describeInteractions(records: readonly InteractionRecord[]) {
  let bodyBytes = 0;
  let attempts = 0;
  for (const record of records) {
    bodyBytes +=
      Buffer.byteLength(JSON.stringify(record.request)) + Buffer.byteLength(JSON.stringify(record.response));
    attempts += record.attempts.length;
  }
  return {
    meanRequestResponseJsonBytes: Math.round(bodyBytes / records.length),
    meanAttempts: attempts / records.length,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Raw baselines: the same rows, encoded by hand, RAW_ROWS_PER_TRANSACTION rows (and their attempts) per
// transaction: multi-row INSERTs on SQLite, COPY FROM STDIN on PostgreSQL (its fastest way in). JSON encoding is
// included (any writer must do it), and so is the extraction of the searchable text; redaction is not.

type Value = string | number | boolean | null;

function pushInteractionValues(values: Value[], record: InteractionRecord, stream: Value): void {
  values.push(
    record.id,
    record.endpoint,
    record.projectId,
    record.apiKeyId,
    record.endUser,
    record.modelRequested,
    record.target,
    record.variant,
    record.promptName,
    record.promptVersion,
    JSON.stringify(record.retrievedDocuments),
    record.batchId,
    stream,
    record.status,
    record.errorCode,
    record.errorMessage,
    JSON.stringify(record.request),
    JSON.stringify(record.response),
    record.promptTokens,
    record.completionTokens,
    record.totalTokens,
    record.costUsd,
    record.latencyMs,
    record.ttftMs,
    record.startedAt,
    record.attempts.length,
    record.trace?.traceId ?? null,
    record.trace?.spanId ?? null,
    record.trace?.parentSpanId ?? null,
    record.trace === null ? null : record.trace.sampled ? 1 : 0,
    // The searchable text is part of the row the log stores (migration 0003): any writer has to extract it.
    interactionSearchText(record),
  );
}

function pushAttemptValues(values: Value[], record: InteractionRecord): number {
  for (const attempt of record.attempts) {
    values.push(
      record.id,
      attempt.index,
      attempt.providerId,
      attempt.model,
      attempt.startedAt,
      attempt.latencyMs,
      attempt.ttftMs,
      attempt.status,
      attempt.errorCode,
      attempt.errorMessage,
      attempt.upstreamStatus,
    );
  }
  return record.attempts.length;
}

function sqliteInsertSql(options: { table: string; columns: readonly string[]; rows: number }): string {
  const { table, columns, rows } = options;
  const tuple = `(${columns.map(() => '?').join(',')})`;
  const tuples = Array.from({ length: rows }, () => tuple).join(',');
  return `INSERT INTO ${table} (${columns.map((column) => `"${column}"`).join(',')}) VALUES ${tuples} ON CONFLICT DO NOTHING`;
}

function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

interface Measurement {
  rows: number;
  seconds: number;
}

/** One way of getting rows into the database; `insert` resolves once every row is stored. */
interface Inserter {
  insert(records: readonly InteractionRecord[]): Promise<void>;
  /** Rows stored so far, counted in the database, to check that nothing was lost. */
  countStored(): Promise<number>;
  close(): Promise<void>;
}

async function timed(inserter: Inserter, records: readonly InteractionRecord[]): Promise<Measurement> {
  const started = performance.now();
  await inserter.insert(records);
  return { rows: records.length, seconds: (performance.now() - started) / 1000 };
}

function openRawSqliteInserter(path: string): Inserter {
  const database = new BetterSqlite3(path);
  // The same settings as the store's (src/adapters/storage/sqlite/sqlite-connection.ts).
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('secure_delete = ON');
  database.pragma('temp_store = MEMORY');
  const statements = new Map<string, BetterSqlite3.Statement>();
  const statement = (table: 'interactions' | 'attempts', rows: number) => {
    const key = `${table}:${rows}`;
    let prepared = statements.get(key);
    if (prepared === undefined) {
      prepared = database.prepare(
        sqliteInsertSql({
          table,
          columns: table === 'interactions' ? INTERACTION_COLUMNS : ATTEMPT_COLUMNS,
          rows,
        }),
      );
      statements.set(key, prepared);
    }
    return prepared;
  };
  const insertChunk = database.transaction((chunk: readonly InteractionRecord[]) => {
    const interactionValues: Value[] = [];
    const attemptValues: Value[] = [];
    let attempts = 0;
    for (const record of chunk) {
      pushInteractionValues(interactionValues, record, record.stream ? 1 : 0);
      attempts += pushAttemptValues(attemptValues, record);
    }
    statement('interactions', chunk.length).run(interactionValues);
    statement('attempts', attempts).run(attemptValues);
  });
  return {
    async insert(records) {
      for (const chunk of chunksOf(records, RAW_ROWS_PER_TRANSACTION)) insertChunk(chunk);
    },
    countStored: async () => countSqliteRows(database),
    close: async () => void database.close(),
  };
}

// COPY's text format: tab-separated, `\N` for null, backslash escapes for the escape character and separators.
const COPY_SPECIAL = /[\\\n\r\t]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function toCopyText(values: readonly Value[], columns: number): string {
  let text = '';
  for (let index = 0; index < values.length; index++) {
    const value = values[index] ?? null;
    const field =
      value === null
        ? '\\N'
        : String(value).replace(COPY_SPECIAL, (special) => COPY_ESCAPES[special] ?? special);
    text += field + ((index + 1) % columns === 0 ? '\n' : '\t');
  }
  return text;
}

async function copyRows(
  client: pg.Client,
  options: { table: string; columns: readonly string[]; text: string },
) {
  const stream = client.query(
    copyFrom(
      `COPY ${options.table} (${options.columns.map((column) => `"${column}"`).join(',')}) FROM STDIN`,
    ),
  );
  stream.end(options.text);
  await finished(stream);
}

/** COPY FROM STDIN of RAW_ROWS_PER_TRANSACTION rows (and their attempts) per transaction, straight into the tables. */
async function openRawPostgresInserter(schema: string): Promise<Inserter> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` });
  await client.connect();
  return {
    async insert(records) {
      for (const chunk of chunksOf(records, RAW_ROWS_PER_TRANSACTION)) {
        const interactionValues: Value[] = [];
        const attemptValues: Value[] = [];
        for (const record of chunk) {
          pushInteractionValues(interactionValues, record, record.stream);
          pushAttemptValues(attemptValues, record);
        }
        await client.query('BEGIN');
        await copyRows(client, {
          table: 'interactions',
          columns: INTERACTION_COLUMNS,
          text: toCopyText(interactionValues, INTERACTION_COLUMNS.length),
        });
        await copyRows(client, {
          table: 'attempts',
          columns: ATTEMPT_COLUMNS,
          text: toCopyText(attemptValues, ATTEMPT_COLUMNS.length),
        });
        await client.query('COMMIT');
      }
    },
    countStored: () => countPostgresRows(client, schema),
    close: () => client.end(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The log writer path: record() one interaction at a time (waiting when back-pressure says so), then close(),
// which returns once every record is stored. A new writer per round, over one store.

const redactor = createRedactor({ entities: PII_ENTITIES });
const redact = (record: InteractionRecord) => redactInteraction(redactor, record);

interface WriterTotals {
  backpressureWaits: number;
  spilled: number;
  writeFailures: number;
  redactionFailures: number;
}

function openWriterInserter(options: {
  store: Store;
  redaction: boolean;
  spillDir: string;
  countStored: () => Promise<number>;
  totals: WriterTotals;
}): Inserter {
  const { store, redaction, spillDir, totals } = options;
  return {
    async insert(records) {
      const writer = createInteractionLogWriter({
        store,
        redact: redaction ? redact : (record) => record,
        spill: createFileInteractionSpill({ dir: spillDir }),
        ...WRITER_SETTINGS,
        logError: (message, error) => console.error(message, error),
      });
      for (const record of records) {
        const wait = writer.record(record);
        if (wait !== undefined) await wait;
      }
      await writer.close();
      const stats = writer.stats();
      totals.backpressureWaits += stats.backpressureWaits;
      totals.spilled += stats.spilled;
      totals.writeFailures += stats.writeFailures;
      totals.redactionFailures += stats.redactionFailures;
    },
    countStored: options.countStored,
    close: () => store.close(),
  };
}

function redactionOnly(records: readonly InteractionRecord[]): number {
  const started = performance.now();
  let replaced = 0;
  for (const record of records) if (redact(record).request !== record.request) replaced += 1;
  const seconds = (performance.now() - started) / 1000;
  if (replaced !== records.length) throw new Error('the redactor did not return new request bodies');
  return Math.round(records.length / seconds);
}

// ---------------------------------------------------------------------------------------------------------------
// Rounds: each round inserts ROWS / ROUNDS rows with every variant, one after the other and in a rotating
// order, so that the variants see the same table sizes and the same neighbours' load (the ratio of a round
// compares runs seconds apart); medians over rounds damp what is left of the noise.

const VARIANTS = ['raw', 'writer', 'writerWithoutRedaction'] as const;
type Variant = (typeof VARIANTS)[number];

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

async function runRounds(options: { label: string; inserters: Record<Variant, Inserter>; rows: number }) {
  const { label, inserters, rows } = options;
  const perRound = rows / ROUNDS;
  const rates: Record<Variant, number[]> = { raw: [], writer: [], writerWithoutRedaction: [] };
  const totals: Record<Variant, Measurement> = {
    raw: { rows: 0, seconds: 0 },
    writer: { rows: 0, seconds: 0 },
    writerWithoutRedaction: { rows: 0, seconds: 0 },
  };
  for (let index = 0; index < ROUNDS; index++) {
    const order = VARIANTS.map((_, position) => VARIANTS[(position + index) % VARIANTS.length] as Variant);
    for (const variant of order) {
      const records = makeInteractions(perRound, `${variant}${index}_`);
      const measurement = await timed(inserters[variant], records);
      rates[variant].push(measurement.rows / measurement.seconds);
      totals[variant].rows += measurement.rows;
      totals[variant].seconds += measurement.seconds;
    }
  }
  for (const variant of VARIANTS) {
    const stored = await inserters[variant].countStored();
    if (stored !== rows) throw new Error(`${label} ${variant}: ${stored} rows stored, ${rows} expected`);
  }
  const ratios = (variant: Variant) =>
    rates[variant].map((rate, index) => rate / (rates.raw[index] as number));
  const ratio = summarize(ratios('writer'));
  const ratioWithoutRedaction = summarize(ratios('writerWithoutRedaction'));
  const rowsPerSecond = (variant: Variant) => ({
    overall: Math.round(totals[variant].rows / totals[variant].seconds),
    medianOfRounds: Math.round(summarize(rates[variant]).median),
    perRound: rates[variant].map(Math.round),
  });
  const result = {
    rows,
    rounds: ROUNDS,
    rowsPerSecond: {
      raw: rowsPerSecond('raw'),
      writer: rowsPerSecond('writer'),
      writerWithoutRedaction: rowsPerSecond('writerWithoutRedaction'),
    },
    ratio: { median: round(ratio.median, 3), min: round(ratio.min, 3), max: round(ratio.max, 3) },
    ratioWithoutRedaction: {
      median: round(ratioWithoutRedaction.median, 3),
      min: round(ratioWithoutRedaction.min, 3),
      max: round(ratioWithoutRedaction.max, 3),
    },
    goalRatio: GOAL_RATIO,
    goalMet: ratio.median >= GOAL_RATIO,
  };
  console.log(
    `${label.padEnd(8)} (${rows} rows): raw ${result.rowsPerSecond.raw.medianOfRounds}/s, ` +
      `writer ${result.rowsPerSecond.writer.medianOfRounds}/s, ratio ${result.ratio.median} ` +
      `(${result.ratio.min}–${result.ratio.max}); without redaction ` +
      `${result.rowsPerSecond.writerWithoutRedaction.medianOfRounds}/s, ratio ${result.ratioWithoutRedaction.median}`,
  );
  return result;
}

function countSqliteRows(database: BetterSqlite3.Database): number {
  return (database.prepare('SELECT count(*) AS n FROM interactions').get() as { n: number }).n;
}

async function countPostgresRows(client: pg.Client, schema: string): Promise<number> {
  const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.interactions`);
  return Number(result.rows[0]?.n);
}

async function openSqliteWriterInserter(options: {
  path: string;
  redaction: boolean;
  workDir: string;
  totals: WriterTotals;
}) {
  const store = await openSqliteStore({ path: options.path });
  return openWriterInserter({
    store,
    redaction: options.redaction,
    spillDir: join(options.workDir, 'spill'),
    totals: options.totals,
    countStored: async () => {
      const database = new BetterSqlite3(options.path, { readonly: true });
      try {
        return countSqliteRows(database);
      } finally {
        database.close();
      }
    },
  });
}

async function benchSqlite(workDir: string) {
  const rawPath = join(workDir, 'raw.db');
  // The raw table is the store's own schema: created by the store's migrations, then written without it.
  await (await openSqliteStore({ path: rawPath })).close();
  const totals: WriterTotals = { backpressureWaits: 0, spilled: 0, writeFailures: 0, redactionFailures: 0 };
  const inserters = {
    raw: openRawSqliteInserter(rawPath),
    writer: await openSqliteWriterInserter({
      path: join(workDir, 'writer.db'),
      redaction: true,
      workDir,
      totals,
    }),
    writerWithoutRedaction: await openSqliteWriterInserter({
      path: join(workDir, 'plain.db'),
      redaction: false,
      workDir,
      totals: { backpressureWaits: 0, spilled: 0, writeFailures: 0, redactionFailures: 0 },
    }),
  };
  try {
    return { ...(await runRounds({ label: 'sqlite', inserters, rows: SQLITE_ROWS })), writerStats: totals };
  } finally {
    for (const inserter of Object.values(inserters)) await inserter.close();
  }
}

async function benchPostgres(workDir: string) {
  const tag = randomBytes(4).toString('hex');
  const schemas = { raw: `bench_raw_${tag}`, writer: `bench_writer_${tag}`, plain: `bench_plain_${tag}` };
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  const opened: Inserter[] = [];
  try {
    await (await openPostgresStore({ url: POSTGRES_URL, schema: schemas.raw })).close();
    const totals: WriterTotals = { backpressureWaits: 0, spilled: 0, writeFailures: 0, redactionFailures: 0 };
    const writerOver = async (schema: string, redaction: boolean, writerTotals: WriterTotals) =>
      openWriterInserter({
        store: await openPostgresStore({ url: POSTGRES_URL, schema }),
        redaction,
        spillDir: join(workDir, 'spill'),
        totals: writerTotals,
        countStored: () => countPostgresRows(admin, schema),
      });
    const inserters = {
      raw: await openRawPostgresInserter(schemas.raw),
      writer: await writerOver(schemas.writer, true, totals),
      writerWithoutRedaction: await writerOver(schemas.plain, false, {
        backpressureWaits: 0,
        spilled: 0,
        writeFailures: 0,
        redactionFailures: 0,
      }),
    };
    opened.push(...Object.values(inserters));
    return {
      ...(await runRounds({ label: 'postgres', inserters, rows: POSTGRES_ROWS })),
      writerStats: totals,
    };
  } finally {
    for (const inserter of opened) await inserter.close();
    for (const schema of Object.values(schemas)) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'slipway-bench-log-'));
  const benchStarted = performance.now();
  try {
    const sample = makeInteractions(10_000, 'sample');
    const redactionRate = summarize([redactionOnly(sample), redactionOnly(sample), redactionOnly(sample)]);
    console.log(`redaction alone: ${Math.round(redactionRate.median)} records/s (median of 3)`);

    const sqlite = await benchSqlite(workDir);
    let postgres: Awaited<ReturnType<typeof benchPostgres>> | { skipped: string };
    try {
      postgres = await benchPostgres(workDir);
    } catch (error) {
      postgres = { skipped: error instanceof Error ? error.message : String(error) };
      console.error(`postgres skipped: ${postgres.skipped}`);
    }

    const path = writeBenchResult('log-writer', {
      settings: {
        rows: { sqlite: SQLITE_ROWS, postgres: POSTGRES_ROWS },
        rounds: ROUNDS,
        rawRowsPerTransaction: RAW_ROWS_PER_TRANSACTION,
        writer: WRITER_SETTINGS,
        redactedEntities: PII_ENTITIES,
        ...describeInteractions(makeInteractions(1_000, 'describe')),
      },
      notes: [
        'raw: 1000 hand-encoded rows (and their attempts) per transaction into the store’s own tables; JSON ' +
          'encoding included, redaction not.',
        'raw SQLite: multi-row INSERT … ON CONFLICT DO NOTHING, statements prepared once per row count.',
        'raw PostgreSQL: COPY interactions and COPY attempts FROM STDIN (pg-copy-streams, text format) straight ' +
          'into the tables, with no conflict handling.',
        'writer: createInteractionLogWriter with the default logging settings over the real Store, record() one ' +
          'interaction at a time (awaiting back-pressure), timed until close() resolved with every row stored.',
        'ratio: writer rows/s over raw rows/s within each round (runs seconds apart), median over rounds.',
        'SQLite: WAL, synchronous=NORMAL for both. Every variant is checked to have stored every row.',
      ],
      redactionOnlyRecordsPerSecond: redactionRate,
      sqlite,
      postgres,
      totalSeconds: round((performance.now() - benchStarted) / 1000, 1),
    });
    console.log(`written ${path}`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main();
