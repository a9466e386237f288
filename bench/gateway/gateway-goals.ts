import type { GatewayFigures } from './gateway-figures.js';

/** One goal of the gateway: `pass` is null when a figure it needs was not measured (Slipway not runnable). */
export interface GoalCheck {
  id: string;
  description: string;
  actual: number | null;
  comparison: '<=' | '>=';
  limit: number | null;
  pass: boolean | null;
}

/** Added time to first token may exceed the non-streaming overhead by this much. */
const FIRST_TOKEN_SLACK_MS = 0.3;
const ADDED_GAP_LIMIT_MS = 0.05;

function ratio(numerator: number | undefined, denominator: number | undefined): number | null {
  if (numerator === undefined || denominator === undefined || denominator === 0) return null;
  return numerator / denominator;
}

function check(goal: Omit<GoalCheck, 'pass'>): GoalCheck {
  if (goal.actual === null || goal.limit === null) return { ...goal, pass: null };
  return { ...goal, pass: goal.comparison === '<=' ? goal.actual <= goal.limit : goal.actual >= goal.limit };
}

/** Slipway against the bare proxy (the floor) and Portkey (the incumbent), as the project's goals state them. */
export function checkGatewayGoals(figures: GatewayFigures): GoalCheck[] {
  const { latency, throughput, streaming } = figures;
  const slipwayAddedP50 = latency.slipway?.addedP50Ms;
  return [
    check({
      id: 'no-failed-responses',
      description: 'non-2xx responses, errors and timeouts under load, all targets',
      actual: Object.values(throughput).reduce(
        (sum, figures) => sum + figures.non2xx + figures.errors + figures.timeouts,
        0,
      ),
      comparison: '<=',
      limit: 0,
    }),
    check({
      id: 'latency-vs-bare',
      description: 'added p50 latency, slipway / bare proxy',
      actual: ratio(slipwayAddedP50, latency.bare?.addedP50Ms),
      comparison: '<=',
      limit: 1.3,
    }),
    check({
      id: 'latency-vs-portkey',
      description: 'added p50 latency, slipway / portkey',
      actual: ratio(slipwayAddedP50, latency.portkey?.addedP50Ms),
      comparison: '<=',
      limit: 0.3,
    }),
    check({
      id: 'throughput-vs-bare',
      description: 'requests/s at 50 connections, slipway / bare proxy',
      actual: ratio(throughput.slipway?.requestsPerSecond, throughput.bare?.requestsPerSecond),
      comparison: '>=',
      limit: 0.8,
    }),
    check({
      id: 'throughput-vs-portkey',
      description: 'requests/s at 50 connections, slipway / portkey',
      actual: ratio(throughput.slipway?.requestsPerSecond, throughput.portkey?.requestsPerSecond),
      comparison: '>=',
      limit: 6,
    }),
    check({
      id: 'first-token',
      description: 'added time to first token, ms (limit: added non-stream p50 + 0.3 ms)',
      actual: streaming.slipway?.addedFirstTokenMs ?? null,
      comparison: '<=',
      limit: slipwayAddedP50 === undefined ? null : slipwayAddedP50 + FIRST_TOKEN_SLACK_MS,
    }),
    check({
      id: 'chunk-gap-mean',
      description: 'added mean inter-chunk gap, ms',
      actual: streaming.slipway?.addedGapMeanMs ?? null,
      comparison: '<=',
      limit: ADDED_GAP_LIMIT_MS,
    }),
    check({
      id: 'chunk-gap-median',
      description: 'added median inter-chunk gap, ms',
      actual: streaming.slipway?.addedGapMedianMs ?? null,
      comparison: '<=',
      limit: ADDED_GAP_LIMIT_MS,
    }),
  ];
}
