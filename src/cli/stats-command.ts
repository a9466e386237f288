import { type Command, Option } from 'commander';
import type { Overview, Stats } from '../services/overview-stats.js';
import type { OverviewFilter } from './admin-client.js';
import type { CommandContext } from './command-context.js';
import { formatTable } from './format-table.js';
import { formatLatency, formatTime, formatUsd, writeJson } from './format-values.js';
import { parseInstant } from './option-parsers.js';

const GROUPS = ['model', 'project', 'key'] as const;
type Group = (typeof GROUPS)[number];

interface StatsOptions {
  since?: number;
  until?: number;
  by: Group;
  project?: string;
  json?: boolean;
}

const count = (value: number) => value.toLocaleString('en-US');
const percent = (rate: number) => `${(rate * 100).toFixed(rate === 0 ? 0 : 2)}%`;
const latency = (ms: number | null) => formatLatency(ms === null ? null : Math.round(ms));

/** The totals block of `slipway stats`, one figure per line. */
function formatOverviewTotals(overview: Overview, by: Group): string {
  const { totals } = overview;
  return [
    `${formatTime(overview.since)} to ${formatTime(overview.until)} UTC, by ${by}`,
    '',
    `Requests    ${count(totals.requests)}`,
    `Errors      ${count(totals.errors)} (${percent(totals.errorRate)})`,
    `Tokens      ${count(totals.totalTokens)} (prompt ${count(totals.promptTokens)}, completion ${count(totals.completionTokens)})`,
    `Cost        ${formatUsd(totals.costUsd)}`,
    `Latency     p50 ${latency(totals.latencyP50Ms)}, p95 ${latency(totals.latencyP95Ms)}`,
    `TTFT        p50 ${latency(totals.ttftP50Ms)}, p95 ${latency(totals.ttftP95Ms)}`,
    '',
  ].join('\n');
}

function breakdownCells(entry: { group: string; label: string } & Stats): string[] {
  return [
    entry.label === entry.group ? entry.group : `${entry.label} (${entry.group})`,
    count(entry.requests),
    count(entry.errors),
    percent(entry.errorRate),
    count(entry.totalTokens),
    formatUsd(entry.costUsd),
    latency(entry.latencyP50Ms),
    latency(entry.latencyP95Ms),
    latency(entry.ttftP95Ms),
  ];
}

/** `slipway stats`: requests, errors, tokens, cost and latency over a range, broken down by model, project or key. */
export function registerStatsCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  const parseTime = (text: string): number => parseInstant(text, io.now());
  program
    .command('stats')
    .description('Show request, error, token, cost and latency figures (default: the last 24 hours)')
    .option('--since <when>', 'from this time: a duration back (30m, 24h, 7d) or an ISO date', parseTime)
    .option('--until <when>', 'up to this time: a duration back or an ISO date (default: now)', parseTime)
    .addOption(new Option('--by <group>', 'break the figures down by').choices(GROUPS).default('model'))
    .option('--project <id>', 'only this project')
    .option('--json', 'print the API response as JSON')
    .action(async (options: StatsOptions) => {
      const filter: OverviewFilter = { group_by: options.by };
      if (options.since !== undefined) filter.since = options.since;
      if (options.until !== undefined) filter.until = options.until;
      if (options.project !== undefined) filter.project = options.project;
      const overview = await context.adminClient().statsOverview(filter);
      if (options.json) return writeJson(io.writeOut, overview);
      io.writeOut(formatOverviewTotals(overview, options.by));
      if (overview.breakdown.length === 0) return io.writeOut('No requests in this range.\n');
      io.writeOut(
        formatTable(
          [
            options.by.toUpperCase(),
            'REQUESTS',
            'ERRORS',
            'ERROR RATE',
            'TOKENS',
            'COST',
            'P50',
            'P95',
            'TTFT P95',
          ],
          overview.breakdown.map(breakdownCells),
        ),
      );
    });
}
