/**
 * Log search and listing latency: seeds a realistic interaction log (BENCH_SEARCH_ROWS, default 1,000,000 rows:
 * 20 projects, 6 models, 5,000 end users, a Zipf-distributed vocabulary with rare terms, 30 days with a denser
 * last 24 hours) into a SQLite file and into a private schema of PostgreSQL, through each store's real
 * `appendInteractions`, then times first pages (50 rows) of `listInteractions`: full-text searches (goal p95
 * ≤ 200 ms) and filter-only listings (goal p95 ≤ 50 ms).
 *
 * Run with `npm run bench:search` (BENCH_SEARCH_ROWS=20000 for a quick try; BENCH_SEARCH_ROUNDS, default 10,
 * rounds through each scenario's queries; BENCH_SEARCH_STORES=sqlite or postgres for one store, keeping the other's
 * figures from the previous run). PostgreSQL is
 * `postgres://postgres@127.0.0.1:5432/test` unless SLIPWAY_BENCH_POSTGRES_URL says otherwise. Results go to
 * bench/results/search.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Store } from '../src/ports/store.js';
import { writeBenchResult } from './lib/write-bench-result.js';
import { openPostgresBenchStore, openSqliteBenchStore, type BenchStore } from './search/bench-stores.js';
import { measureOverview } from './search/measure-overview.js';
import { measureScenarios, type ScenarioFigures } from './search/measure-scenarios.js';
import { searchScenarios } from './search/search-scenarios.js';
import { seedStore, type SeedFigures } from './search/seed-store.js';

const ROWS = Number(process.env.BENCH_SEARCH_ROWS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_SEARCH_ROUNDS ?? 10);
const STORES = (process.env.BENCH_SEARCH_STORES ?? 'sqlite,postgres').split(',');
/** A PostgreSQL schema a killed run left seeded (with BENCH_SEARCH_NOW, its start minute): measured without seeding. */
const REUSE_SCHEMA = process.env.BENCH_SEARCH_REUSE_SCHEMA;
const MINUTE = 60_000;
const RESULT_FILE = fileURLToPath(new URL('./results/search.json', import.meta.url));

/** A further measurement on each seeded store, reported beside the search figures. */
type Measurement = (
  store: Store,
  options: { now: number },
) => Promise<{ p50Ms: number; p95Ms: number; samples: number }>;

// One line per measurement, with its p95 goal; each runs on every seeded store after the search scenarios.
const MEASUREMENTS: Record<string, { measure: Measurement; goalP95Ms: number }> = {
  overview24h: { measure: measureOverview, goalP95Ms: 300 },
};

interface StoreFigures {
  seeding: SeedFigures & { reused?: boolean };
  scenarios: ScenarioFigures[];
  measurements: Record<string, Awaited<ReturnType<Measurement>> & { goalP95Ms: number; pass: boolean }>;
  pass: boolean;
}

async function benchStore(open: () => Promise<BenchStore>, now: number): Promise<StoreFigures> {
  const bench = await open();
  try {
    const seeding = bench.seeded
      ? { rows: ROWS, seconds: 0, rowsPerSecond: 0, reused: true }
      : await seedStore(bench.store, { rows: ROWS, now, label: bench.kind });
    await bench.analyze();
    const scenarios = await measureScenarios(bench.store, {
      scenarios: searchScenarios(now),
      rounds: ROUNDS,
      label: bench.kind,
    });
    const measurements: StoreFigures['measurements'] = {};
    for (const [name, { measure, goalP95Ms }] of Object.entries(MEASUREMENTS)) {
      const figures = await measure(bench.store, { now });
      measurements[name] = { ...figures, goalP95Ms, pass: figures.p95Ms <= goalP95Ms };
      process.stderr.write(`${bench.kind}: ${name}: ${JSON.stringify(measurements[name])}\n`);
    }
    const pass =
      scenarios.every((scenario) => scenario.pass) &&
      Object.values(measurements).every((measurement) => measurement.pass);
    return { seeding, scenarios, measurements, pass };
  } finally {
    await bench.dispose();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  // A whole minute, so that time-range scenarios line up with minute rollups in other measurements.
  const now = Number(process.env.BENCH_SEARCH_NOW ?? Math.floor(Date.now() / MINUTE) * MINUTE);
  const result: Record<string, StoreFigures | { skipped: string }> = {};
  for (const [kind, open] of [
    ['sqlite', openSqliteBenchStore],
    ['postgres', () => openPostgresBenchStore(REUSE_SCHEMA)],
  ] as const) {
    if (!STORES.includes(kind)) continue;
    try {
      result[kind] = await benchStore(open, now);
    } catch (error) {
      if (kind === 'sqlite') throw error;
      result[kind] = { skipped: error instanceof Error ? error.message : String(error) };
      process.stderr.write(`${kind} skipped: ${result[kind].skipped}\n`);
    }
  }
  const path = writeBenchResult('search', {
    // A store not run this time keeps its figures from the previous run (each store can be run on its own,
    // even at the same time as the other: the 2-core machine seeds both faster in parallel).
    ...previousFigures(),
    settings: { rows: ROWS, rounds: ROUNDS, pageSize: 50 },
    goals: { fullTextP95Ms: 200, filterOnlyP95Ms: 50, overview24hP95Ms: 300 },
    notes: [
      'Seeded through Store.appendInteractions in batches of 1000 (triggers, FTS5 / GIN and every index live).',
      'Each scenario: one warm-up pass over its queries, then `rounds` timed passes; p50/p95 over all samples.',
      'PostgreSQL is ANALYZEd after seeding, as autovacuum would; SQLite has no statistics (the store runs none).',
      'The machine is shared with other work while this runs: treat figures as upper bounds.',
    ],
    ...result,
    totalSeconds: Math.round((performance.now() - started) / 100) / 10,
  });
  process.stderr.write(`written ${path}\n`);
}

/** The per-store figures of bench/results/search.json, re-read at the end of the run. */
function previousFigures(): Record<string, unknown> {
  if (!existsSync(RESULT_FILE)) return {};
  const record = JSON.parse(readFileSync(RESULT_FILE, 'utf8')) as { result?: Record<string, unknown> };
  const kept: Record<string, unknown> = {};
  for (const kind of ['sqlite', 'postgres']) {
    if (!STORES.includes(kind) && record.result?.[kind] !== undefined) kept[kind] = record.result[kind];
  }
  return kept;
}

await main();
