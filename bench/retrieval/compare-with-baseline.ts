import type { CurvePoint, ScenarioFigures } from './measure-target.js';

/** Issue 6's latency goal for one scenario, judged against the baseline's whole recall/latency curve. */
export interface BaselineComparison {
  scenario: string;
  adapter: { recall: number; p50Ms: number };
  /** The baseline's settings whose p50 is at or above the adapter's: each must have lower recall than the adapter. */
  atEqualOrHigherLatency: Array<{ value: string; recall: number; p50Ms: number }>;
  /** True only when that list is not empty and the adapter's recall is above every recall in it. */
  met: boolean;
  reason: string;
}

/**
 * "The pgvector path beats the baseline on recall at equal or lower latency", per scenario: at every setting of
 * the baseline that is as slow as the adapter or slower (p50), the adapter's mean recall@10 is strictly higher.
 * When no measured setting of the baseline is that slow, the comparison cannot be made and the goal is not met:
 * a faster baseline with lower recall says nothing about what the baseline reaches at the adapter's latency.
 */
export function compareWithBaseline(
  adapter: readonly ScenarioFigures[],
  baseline: readonly ScenarioFigures[],
): BaselineComparison[] {
  return adapter.map((ours) => {
    const theirs = baseline.find((figures) => figures.scenario === ours.scenario);
    const points: CurvePoint[] = theirs?.curve?.points ?? (theirs ? [{ value: 'own', ...theirs }] : []);
    const recall = ours.recallAt10.mean;
    const p50Ms = ours.latencyMs.p50;
    const slower = points
      .filter((point) => point.latencyMs.p50 >= p50Ms)
      .map((point) => ({ value: point.value, recall: point.recallAt10.mean, p50Ms: point.latencyMs.p50 }));
    const matched = slower.find((point) => point.recall >= recall);
    const met = slower.length > 0 && matched === undefined;
    let reason: string;
    if (points.length === 0) reason = 'the baseline did not measure this scenario';
    else if (slower.length === 0) reason = `every measured baseline setting is faster than the adapter's p50`;
    else if (matched)
      reason = `the baseline at ${matched.value} reaches recall ${matched.recall.toFixed(3)} at p50 ${matched.p50Ms.toFixed(1)} ms`;
    else
      reason = `the adapter's recall is above the baseline's at all ${slower.length} settings as slow or slower`;
    return {
      scenario: ours.scenario,
      adapter: { recall, p50Ms },
      atEqualOrHigherLatency: slower,
      met,
      reason,
    };
  });
}
