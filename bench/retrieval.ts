/**
 * Retrieval with document-level security: recall@10 against an exact scan and p50/p95 latency of filtered top-10
 * searches, over BENCH_RETRIEVAL_CHUNKS (default 100,000) chunks of 384-dimension clustered synthetic vectors, for
 * users allowed 50%, 10%, 1% and 0.1% of the chunks, the allowed chunks spread over every topic (independent) or
 * whole topics (correlated). Goals (issue 6): recall@10 = 1.0 at ≤ 1% and ≥ 0.95 everywhere; p50 ≤ 5 ms; and the
 * pgvector adapter beats the baseline (plain HNSW, filter in the WHERE clause, iterative scan) on recall at equal
 * or lower latency, judged against the baseline measured at several `hnsw.ef_search` values
 * (bench/retrieval/compare-with-baseline.ts).
 *
 * Run with `npm run bench:retrieval` (BENCH_RETRIEVAL_CHUNKS=20000 for a quick try; BENCH_RETRIEVAL_QUERIES,
 * default 200, queries per scenario). Each target (bench/retrieval/*-target.ts) is loaded and measured in turn.
 * Results go to bench/results/retrieval-<date>.json.
 */
import { performance } from 'node:perf_hooks';
import { writeBenchResult } from './lib/write-bench-result.js';
import { accessScenarios } from './retrieval/access-scenarios.js';
import { makeClusteredDataset } from './retrieval/clustered-dataset.js';
import { compareWithBaseline, type BaselineComparison } from './retrieval/compare-with-baseline.js';
import { embeddedTarget } from './retrieval/embedded-target.js';
import { measureTarget, type ScenarioFigures } from './retrieval/measure-target.js';
import { pgvectorBaselineTarget } from './retrieval/pgvector-baseline-target.js';
import { pgvectorTarget } from './retrieval/pgvector-target.js';
import type { RetrievalTarget } from './retrieval/retrieval-target.js';

const CHUNKS = Number(process.env.BENCH_RETRIEVAL_CHUNKS ?? 100_000);
const QUERIES = Number(process.env.BENCH_RETRIEVAL_QUERIES ?? 200);
const DIMENSION = 384;
const SEED = 20_261_204;

// One line per target; a pgvector module joins here with the same shape.
const TARGETS: (() => RetrievalTarget)[] = [embeddedTarget, pgvectorTarget, pgvectorBaselineTarget];
// BENCH_RETRIEVAL_TARGETS=pgvector,pgvector-baseline measures only the named targets (all when unset).
const ONLY_TARGETS = process.env.BENCH_RETRIEVAL_TARGETS?.split(',');
// BENCH_RETRIEVAL_SCENARIOS=correlated-10%,independent-10% measures only the named scenarios (all when unset).
const ONLY_SCENARIOS = process.env.BENCH_RETRIEVAL_SCENARIOS?.split(',');

async function main(): Promise<void> {
  const started = performance.now();
  const dataset = makeClusteredDataset({
    chunks: CHUNKS,
    dimension: DIMENSION,
    queries: QUERIES,
    seed: SEED,
  });
  const scenarios = accessScenarios(dataset).filter(
    (scenario) => !ONLY_SCENARIOS || ONLY_SCENARIOS.includes(scenario.name),
  );
  process.stderr.write(`dataset: ${dataset.chunkCount} chunks, ${dataset.clusterCount} clusters\n`);
  const targets: Record<
    string,
    {
      loadSeconds: number;
      prepareSeconds: number;
      scenarios: ScenarioFigures[];
      pass: boolean;
      baseline: boolean;
    }
  > = {};
  for (const makeTarget of TARGETS) {
    const target = makeTarget();
    if (ONLY_TARGETS && !ONLY_TARGETS.includes(target.name)) {
      await target.close();
      continue;
    }
    try {
      const loading = await target.load(dataset);
      process.stderr.write(`${target.name}: ${JSON.stringify(loading)}\n`);
      const figures = await measureTarget(target, dataset, scenarios);
      targets[target.name] = {
        ...loading,
        scenarios: figures,
        pass: figures.every((figure) => figure.pass),
        baseline: target.baseline === true,
      };
    } finally {
      await target.close();
    }
  }
  const adapter = targets.pgvector;
  const baseline = targets['pgvector-baseline'];
  const versusBaseline =
    adapter && baseline ? compareWithBaseline(adapter.scenarios, baseline.scenarios) : null;
  if (versusBaseline) printComparison(versusBaseline, baseline?.scenarios ?? []);
  const date = new Date().toISOString().slice(0, 10);
  const path = writeBenchResult(`retrieval-${date}`, {
    chunks: dataset.chunkCount,
    dimension: DIMENSION,
    clusters: dataset.clusterCount,
    queriesPerScenario: QUERIES,
    k: 10,
    seconds: (performance.now() - started) / 1_000,
    targets,
    // Every goal of issue 6 that this run measured: each target's own, and pgvector's against the baseline.
    pass:
      Object.values(targets).every((target) => target.baseline || target.pass) &&
      (versusBaseline ?? []).every((comparison) => comparison.met),
    // Null unless both pgvector targets ran.
    versusBaseline,
  });
  process.stdout.write(`${path}\n`);
}

/** The adapter against the baseline's curve, one line per scenario, and each setting of the curve. */
function printComparison(comparisons: BaselineComparison[], baseline: ScenarioFigures[]): void {
  const ms = (value: number): string => value.toFixed(1);
  for (const comparison of comparisons) {
    const curve = baseline.find((figures) => figures.scenario === comparison.scenario)?.curve;
    const points = (curve?.points ?? [])
      .map((point) => `${point.value}: ${point.recallAt10.mean.toFixed(3)} / ${ms(point.latencyMs.p50)} ms`)
      .join(', ');
    process.stdout.write(
      `${comparison.scenario}: adapter ${comparison.adapter.recall.toFixed(3)} / ${ms(comparison.adapter.p50Ms)} ms; ` +
        `baseline ${curve?.setting ?? ''} ${points}; beats the baseline: ${comparison.met ? 'yes' : 'no'} ` +
        `(${comparison.reason})\n`,
    );
  }
}

await main();
