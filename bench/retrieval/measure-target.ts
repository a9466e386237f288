import { performance } from 'node:perf_hooks';
import type { AccessFilter } from '../../src/core/access/access-filter.js';
import { accessFilterFor } from '../../src/core/access/access-filter.js';
import { DEFAULT_CLASSIFICATION_LEVELS } from '../../src/core/access/classification-levels.js';
import { summarize } from '../lib/bench-stats.js';
import type { AccessScenario } from './access-scenarios.js';
import type { ClusteredDataset } from './clustered-dataset.js';
import { CHUNKS_PER_DOCUMENT } from './clustered-dataset.js';
import { allowedDocumentsOf, exactNeighbours } from './exact-neighbours.js';
import type { RetrievalTarget } from './retrieval-target.js';

/** Recall and latency of one scenario at one setting of a target. */
interface PointFigures {
  recallAt10: { mean: number; min: number };
  latencyMs: { p50: number; p95: number; max: number };
}

/** One point of a swept target's curve: the settings' values and what the scenario measured at it. */
export interface CurvePoint extends PointFigures {
  value: string;
}

export interface ScenarioFigures extends PointFigures {
  scenario: string;
  correlation: AccessScenario['correlation'];
  selectivity: number;
  allowedShare: number;
  queries: number;
  paths: Record<string, number>;
  /** `p50Ms` null: the target has no latency goal of its own (see `RetrievalTarget.latencyGoalMs`). */
  goals: { recall: number; p50Ms: number | null };
  pass: boolean;
  /** A swept target's curve: its plain figures above are the first value's, which is also the curve's first point. */
  curve?: { setting: string; points: CurvePoint[] };
}

const K = 10;
const WARM_UP_QUERIES = 5;

interface ScenarioContext {
  dataset: ClusteredDataset;
  filter: AccessFilter;
  allowed: number[];
}

/** Recall@10 against an exact scan and the latency of every query of every scenario, on one loaded target. */
export async function measureTarget(
  target: RetrievalTarget,
  dataset: ClusteredDataset,
  scenarios: AccessScenario[],
): Promise<ScenarioFigures[]> {
  const figures: ScenarioFigures[] = [];
  for (const scenario of scenarios) {
    const filter = accessFilterFor(scenario.principal, DEFAULT_CLASSIFICATION_LEVELS);
    const context = { dataset, filter, allowed: allowedDocumentsOf(dataset, filter) };
    const measured = await measurePoint(target, context);
    const goalRecall = scenario.selectivity <= 0.01 ? 1 : 0.95;
    const entry: ScenarioFigures = {
      scenario: scenario.name,
      correlation: scenario.correlation,
      selectivity: scenario.selectivity,
      allowedShare: (context.allowed.length * CHUNKS_PER_DOCUMENT) / dataset.chunkCount,
      queries: dataset.queries.length,
      recallAt10: measured.figures.recallAt10,
      latencyMs: measured.figures.latencyMs,
      paths: measured.paths,
      goals: { recall: goalRecall, p50Ms: target.latencyGoalMs ?? null },
      pass:
        measured.figures.recallAt10.mean >= goalRecall &&
        (target.latencyGoalMs === undefined || measured.figures.latencyMs.p50 <= target.latencyGoalMs),
    };
    if (target.sweep) entry.curve = await measureCurve(target, context, measured.figures);
    process.stderr.write(`${target.name}: ${JSON.stringify(entry)}\n`);
    figures.push(entry);
  }
  return figures;
}

/**
 * The scenario at each further value of the target's sweep, then the target put back to its own value. A sweep
 * stops once a value reaches recall 1.0: a costlier setting cannot be more accurate, and at low selectivity each
 * value of the baseline costs 20-40 s of queries.
 */
async function measureCurve(
  target: RetrievalTarget,
  context: ScenarioContext,
  first: PointFigures,
): Promise<{ setting: string; points: CurvePoint[] }> {
  const sweep = target.sweep as NonNullable<RetrievalTarget['sweep']>;
  const [own, ...others] = sweep.values;
  const points: CurvePoint[] = [{ value: own as string, ...first }];
  try {
    for (const value of others) {
      if ((points.at(-1) as CurvePoint).recallAt10.mean >= 1) break;
      await sweep.apply(value);
      points.push({ value, ...(await measurePoint(target, context)).figures });
    }
  } finally {
    await sweep.apply(own as string);
  }
  return { setting: sweep.setting, points };
}

async function measurePoint(
  target: RetrievalTarget,
  context: ScenarioContext,
): Promise<{ figures: PointFigures; paths: Record<string, number> }> {
  const { dataset, filter, allowed } = context;
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
  return {
    figures: {
      recallAt10: { mean: recall.mean, min: recall.min },
      latencyMs: { p50: latency.p50, p95: latency.p95, max: latency.max },
    },
    paths,
  };
}
