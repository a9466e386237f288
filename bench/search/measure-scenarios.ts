import { performance } from 'node:perf_hooks';
import type { Store } from '../../src/ports/store.js';
import { summarize } from '../lib/bench-stats.js';
import type { SearchScenario } from './search-scenarios.js';

export interface ScenarioFigures {
  name: string;
  group: SearchScenario['group'];
  samples: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  goalP95Ms: number;
  pass: boolean;
  /** Mean rows on the first page: a check that the queries find something. */
  meanRows: number;
}

/**
 * Times each scenario's first pages: one warm-up round through its queries (caches as a running server has
 * them), then `rounds` rounds, the queries shuffled in a fixed order across rounds.
 */
export async function measureScenarios(
  store: Store,
  options: { scenarios: readonly SearchScenario[]; rounds: number; label: string },
): Promise<ScenarioFigures[]> {
  const figures: ScenarioFigures[] = [];
  for (const scenario of options.scenarios) {
    for (const query of scenario.queries) await store.listInteractions(query);
    const samples: number[] = [];
    let rows = 0;
    for (let round = 0; round < options.rounds; round++) {
      for (const query of scenario.queries) {
        const started = performance.now();
        const page = await store.listInteractions(query);
        samples.push(performance.now() - started);
        rows += page.items.length;
      }
    }
    const summary = summarize(samples);
    const result: ScenarioFigures = {
      name: scenario.name,
      group: scenario.group,
      samples: samples.length,
      p50Ms: round2(summary.p50),
      p95Ms: round2(summary.p95),
      maxMs: round2(summary.max),
      goalP95Ms: scenario.goalP95Ms,
      pass: summary.p95 <= scenario.goalP95Ms,
      meanRows: Math.round(rows / samples.length),
    };
    process.stderr.write(
      `${options.label}: ${scenario.name}: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms ` +
        `(goal ${scenario.goalP95Ms}) ${result.pass ? 'pass' : 'FAIL'}, ${result.meanRows} rows/page\n`,
    );
    figures.push(result);
  }
  return figures;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
