import { performance } from 'node:perf_hooks';
import { accessFilterFor } from '../../src/core/access/access-filter.js';
import { DEFAULT_CLASSIFICATION_LEVELS } from '../../src/core/access/classification-levels.js';
import { summarize } from '../lib/bench-stats.js';
import type { AccessScenario } from './access-scenarios.js';
import type { ClusteredDataset } from './clustered-dataset.js';
import { CHUNKS_PER_DOCUMENT } from './clustered-dataset.js';
import { allowedDocumentsOf, exactNeighbours } from './exact-neighbours.js';
import type { RetrievalTarget } from './retrieval-target.js';

export interface ScenarioFigures {
  scenario: string;
  correlation: AccessScenario['correlation'];
  selectivity: number;
  allowedShare: number;
  queries: number;
  recallAt10: { mean: number; min: number };
  latencyMs: { p50: number; p95: number; max: number };
  paths: Record<string, number>;
  goals: { recall: number; p50Ms: number };
  pass: boolean;
}

const K = 10;
const WARM_UP_QUERIES = 5;
const GOAL_P50_MS = 5;

/** Recall@10 against an exact scan and the latency of every query of every scenario, on one loaded target. */
export async function measureTarget(
  target: RetrievalTarget,
  dataset: ClusteredDataset,
  scenarios: AccessScenario[],
): Promise<ScenarioFigures[]> {
  const figures: ScenarioFigures[] = [];
  for (const scenario of scenarios) {
    const filter = accessFilterFor(scenario.principal, DEFAULT_CLASSIFICATION_LEVELS);
    const allowed = allowedDocumentsOf(dataset, filter);
    for (const query of dataset.queries.slice(0, WARM_UP_QUERIES)) await target.search(query, K, filter);
    const latencies: number[] = [];
    const recalls: number[] = [];
    const paths: Record<string, number> = {};
    for (const query of dataset.queries) {
      const started = performance.now();
      const answer = await target.search(query, K, filter);
      latencies.push(performance.now() - started);
      const truth = exactNeighbours(dataset, allowed, query, K);
      const found = new Set(answer.keys);
      recalls.push(truth.length === 0 ? 1 : truth.filter((key) => found.has(key)).length / truth.length);
      paths[answer.path] = (paths[answer.path] ?? 0) + 1;
    }
    const latency = summarize(latencies);
    const recall = summarize(recalls);
    const goalRecall = scenario.selectivity <= 0.01 ? 1 : 0.95;
    const entry: ScenarioFigures = {
      scenario: scenario.name,
      correlation: scenario.correlation,
      selectivity: scenario.selectivity,
      allowedShare: (allowed.length * CHUNKS_PER_DOCUMENT) / dataset.chunkCount,
      queries: dataset.queries.length,
      recallAt10: { mean: recall.mean, min: recall.min },
      latencyMs: { p50: latency.p50, p95: latency.p95, max: latency.max },
      paths,
      goals: { recall: goalRecall, p50Ms: GOAL_P50_MS },
      pass: recall.mean >= goalRecall && latency.p50 <= GOAL_P50_MS,
    };
    process.stderr.write(`${target.name}: ${JSON.stringify(entry)}\n`);
    figures.push(entry);
  }
  return figures;
}
