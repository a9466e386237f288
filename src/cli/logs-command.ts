import { type Command, InvalidArgumentError, Option } from 'commander';
import type { InteractionStatus } from '../core/interaction.js';
import type { InteractionFilter } from './admin-client.js';
import type { CommandContext } from './command-context.js';
import { INTERACTION_HEADERS, formatInteraction, interactionCells } from './format-interaction.js';
import { formatTable } from './format-table.js';
import { writeJson } from './format-values.js';
import { registerLogsDataCommands } from './logs-data-commands.js';
import { parseInstant, parsePositiveInteger } from './option-parsers.js';
import { tailInteractions } from './tail-interactions.js';

const STATUSES: readonly InteractionStatus[] = ['success', 'error', 'incomplete'];
const SORTS: ReadonlyArray<NonNullable<InteractionFilter['sort']>> = ['recent', 'cost', 'latency'];
const TAIL_BACKLOG = 10;
// Fixed widths keep the columns of `logs tail` aligned across lines printed at different times.
const TAIL_WIDTHS = [19, 26, 20, 28, 10, 7, 10, 0];

interface FilterOptions {
  project?: string;
  key?: string;
  model?: string;
  target?: string;
  status?: InteractionStatus;
  user?: string;
}

function filterOf(options: FilterOptions): InteractionFilter {
  const filter: InteractionFilter = {};
  if (options.project !== undefined) filter.project = options.project;
  if (options.key !== undefined) filter.key = options.key;
  if (options.model !== undefined) filter.model = options.model;
  if (options.target !== undefined) filter.target = options.target;
  if (options.status !== undefined) filter.status = options.status;
  if (options.user !== undefined) filter.user = options.user;
  return filter;
}

function addFilterOptions(command: Command): Command {
  return command
    .option('--project <id>', 'only this project')
    .option('--key <id>', 'only requests made with this API key')
    .option('--model <model>', 'only this requested model')
    .option('--target <target>', 'only this serving target (provider/model)')
    .addOption(new Option('--status <status>', 'only this outcome').choices(STATUSES))
    .option('--user <user>', 'only this end user');
}

function tailLine(cells: readonly string[]): string {
  return `${cells
    .map((cell, column) => cell.padEnd(TAIL_WIDTHS[column] ?? 0))
    .join('  ')
    .trimEnd()}\n`;
}

/** A cost bound in USD: 0 is a bound too, unlike for budgets. */
function parseCost(text: string): number {
  if (!/^\d+(\.\d+)?$/.test(text.trim())) {
    throw new InvalidArgumentError('Expected an amount in USD of at least 0, such as 0.01.');
  }
  return Number(text);
}

function parseLatency(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError('Expected a whole number of milliseconds.');
  return Number(text);
}

interface SearchOptions extends FilterOptions {
  prompt?: string;
  since?: number;
  until?: number;
  minCost?: number;
  maxCost?: number;
  minLatency?: number;
  maxLatency?: number;
  sort?: InteractionFilter['sort'];
  limit?: number;
  cursor?: string;
  json?: boolean;
}

function searchFilterOf(text: string, options: SearchOptions): InteractionFilter {
  const filter: InteractionFilter = { ...filterOf(options), q: text };
  if (options.prompt !== undefined) filter.prompt = options.prompt;
  if (options.since !== undefined) filter.since = options.since;
  if (options.until !== undefined) filter.until = options.until;
  if (options.minCost !== undefined) filter.min_cost = options.minCost;
  if (options.maxCost !== undefined) filter.max_cost = options.maxCost;
  if (options.minLatency !== undefined) filter.min_latency = options.minLatency;
  if (options.maxLatency !== undefined) filter.max_latency = options.maxLatency;
  if (options.sort !== undefined) filter.sort = options.sort;
  if (options.limit !== undefined) filter.limit = options.limit;
  if (options.cursor !== undefined) filter.cursor = options.cursor;
  return filter;
}

/** `slipway logs list|search|show|tail`: the interaction log. */
export function registerLogsCommand(program: Command, context: CommandContext): void {
  const { io } = context;
  const logs = program.command('logs').description('Read the interaction log');
  registerLogsDataCommands(logs, context);
  const parseTime = (text: string): number => parseInstant(text, io.now());

  addFilterOptions(logs.command('list').description('List interactions, newest first'))
    .option('--since <when>', 'from this time: a duration back (30m, 1h, 2d) or an ISO date', parseTime)
    .option('--until <when>', 'before this time: a duration back or an ISO date', parseTime)
    .option('--limit <n>', 'at most this many (1..500, default: the server’s)', parsePositiveInteger)
    .option('--cursor <cursor>', 'continue a previous listing')
    .option('--json', 'print the API response as JSON')
    .action(
      async (
        options: FilterOptions & {
          since?: number;
          until?: number;
          limit?: number;
          cursor?: string;
          json?: boolean;
        },
      ) => {
        const filter = filterOf(options);
        if (options.since !== undefined) filter.since = options.since;
        if (options.until !== undefined) filter.until = options.until;
        if (options.limit !== undefined) filter.limit = options.limit;
        if (options.cursor !== undefined) filter.cursor = options.cursor;
        const page = await context.adminClient().listInteractions(filter);
        if (options.json) return writeJson(io.writeOut, page);
        io.writeOut(formatTable(INTERACTION_HEADERS, page.data.map(interactionCells)));
        if (page.next_cursor !== null)
          io.writeOut(`\nMore: slipway logs list --cursor ${page.next_cursor}\n`);
      },
    );

  addFilterOptions(
    logs
      .command('search')
      .description('Search interactions by words of their (redacted) request and response')
      .argument('<text>', 'words that must all appear; "a phrase" in quotes; word* for a prefix'),
  )
    .option('--prompt <name>', 'only this prompt name')
    .option('--since <when>', 'from this time: a duration back (30m, 1h, 2d) or an ISO date', parseTime)
    .option('--until <when>', 'before this time: a duration back or an ISO date', parseTime)
    .option('--min-cost <usd>', 'only those costing at least this (USD)', parseCost)
    .option('--max-cost <usd>', 'only those costing at most this (USD)', parseCost)
    .option('--min-latency <ms>', 'only those taking at least this long', parseLatency)
    .option('--max-latency <ms>', 'only those taking at most this long', parseLatency)
    .addOption(new Option('--sort <order>', 'newest first, or costliest or slowest first').choices(SORTS))
    .option('--limit <n>', 'at most this many (1..500, default: the server’s)', parsePositiveInteger)
    .option('--cursor <cursor>', 'continue a previous search')
    .option('--json', 'print the API response as JSON')
    .action(async (text: string, options: SearchOptions) => {
      const page = await context.adminClient().listInteractions(searchFilterOf(text, options));
      if (options.json) return writeJson(io.writeOut, page);
      if (page.data.length === 0) return io.writeOut('No interaction matches.\n');
      io.writeOut(formatTable(INTERACTION_HEADERS, page.data.map(interactionCells)));
      if (page.next_cursor !== null)
        io.writeOut(`\nMore: the same search with --cursor ${page.next_cursor}\n`);
    });

  logs
    .command('show')
    .description('Show one interaction: attempts, request and response')
    .argument('<id>', 'the interaction id')
    .option('--json', 'print the whole record as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const record = await context.adminClient().getInteraction(id);
      if (options.json) return writeJson(io.writeOut, record);
      io.writeOut(formatInteraction(record));
    });

  addFilterOptions(logs.command('tail').description('Print interactions as they arrive, until Ctrl-C'))
    .option('--interval <ms>', 'time between polls in ms', parsePositiveInteger, 2_000)
    .option('--json', 'print one JSON object per line')
    .action(async (options: FilterOptions & { interval: number; json?: boolean }) => {
      if (!options.json) io.writeOut(tailLine(INTERACTION_HEADERS));
      const signal = io.interruption();
      await tailInteractions({
        client: context.adminClient({ signal }),
        filter: filterOf(options),
        intervalMs: options.interval,
        backlog: TAIL_BACKLOG,
        signal,
        onInteraction: (summary) =>
          io.writeOut(options.json ? `${JSON.stringify(summary)}\n` : tailLine(interactionCells(summary))),
      });
    });
}
