import type { CpuPinning } from './cpu-pinning.js';
import type { GatewayFigures } from './gateway-figures.js';
import type { GoalCheck } from './gateway-goals.js';
import { TARGET_NAMES } from './target.js';

function fixed(value: number | undefined, digits: number): string {
  return value === undefined ? '-' : value.toFixed(digits);
}

/** Columns before `textColumns` are left-aligned (names, descriptions); the rest are numbers. */
function table(rows: string[][], textColumns: number): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  const align = (cell: string, column: number) =>
    column < textColumns ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0);
  return rows.map((row) => row.map(align).join('  ').trimEnd()).join('\n');
}

function verdict(goal: GoalCheck): string {
  if (goal.pass === null) return 'n/a ';
  return goal.pass ? 'PASS' : 'FAIL';
}

/** The run as a few readable tables: figures per target, then each goal with its verdict. */
export function formatGatewaySummary(options: {
  figures: GatewayFigures;
  goals: readonly GoalCheck[];
  pinning: CpuPinning;
  unavailable: ReadonlyMap<string, string>;
}): string {
  const { latency, pacedLatency, throughput, streaming } = options.figures;
  const header = [
    'target',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    '+p50 ms',
    'req/s',
    'non-2xx',
    'TTFT ms',
    '+TTFT ms',
    '+paced p50',
    'gap mean',
    '+gap mean',
    '+gap median',
  ];
  const rows = TARGET_NAMES.filter((name) => latency[name] !== undefined).map((name) => [
    name,
    fixed(latency[name]?.p50Ms, 3),
    fixed(latency[name]?.p95Ms, 3),
    fixed(latency[name]?.p99Ms, 3),
    fixed(latency[name]?.addedP50Ms, 3),
    fixed(throughput[name]?.requestsPerSecond, 0),
    String((throughput[name]?.non2xx ?? 0) + (throughput[name]?.errors ?? 0)),
    fixed(streaming[name]?.firstTokenP50Ms, 3),
    fixed(streaming[name]?.addedFirstTokenMs, 3),
    fixed(pacedLatency[name]?.addedP50Ms, 3),
    fixed(streaming[name]?.gapMeanMs, 3),
    fixed(streaming[name]?.addedGapMeanMs, 3),
    fixed(streaming[name]?.addedGapMedianMs, 3),
  ]);
  const goals = options.goals.map((goal) => [
    verdict(goal),
    goal.description,
    `${fixed(goal.actual ?? undefined, 3)} ${goal.comparison} ${fixed(goal.limit ?? undefined, 3)}`,
  ]);
  const pinning = options.pinning.used
    ? `gateways pinned to CPU ${options.pinning.gatewayCpu}, mock and client to CPU ${options.pinning.clientCpu}`
    : `no CPU pinning (${options.pinning.reason})`;
  const missing = [...options.unavailable].map(
    ([name, reason]) => `not measured: ${name}: ${reason.split('\n')[0]}`,
  );
  return [
    pinning,
    '',
    table([header, ...rows], 1),
    '',
    table(goals, 2),
    ...(missing.length ? ['', ...missing] : []),
  ].join('\n');
}
