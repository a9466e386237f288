import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createInterface } from 'node:readline/promises';
import { type Command, Option } from 'commander';
import type { InteractionStatus } from '../core/interaction.js';
import type { ExportFormatName, InteractionFilter } from './admin-client.js';
import type { CommandContext } from './command-context.js';
import { ExportRecordCounter } from './export-record-counter.js';
import { formatTable } from './format-table.js';
import { formatTime, writeJson } from './format-values.js';
import { parseInstant } from './option-parsers.js';

/**
 * Asks a yes/no question on the terminal; null when there is no terminal to ask on (input is piped), in which
 * case a destructive command needs `--yes`.
 */
export type Confirm = (question: string) => Promise<boolean | null>;

const STATUSES: readonly InteractionStatus[] = ['success', 'error', 'incomplete'];
const FORMATS: readonly ExportFormatName[] = ['jsonl', 'csv'];
const PROGRESS_EVERY_MS = 250;
const EXIT_USAGE = 2;

const askOnTerminal: Confirm = async (question) => {
  if (!process.stdin.isTTY) return null;
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await terminal.question(`${question} [y/N] `)).trim());
  } finally {
    terminal.close();
  }
};

interface ExportOptions {
  format: ExportFormatName;
  out: string;
  project?: string;
  key?: string;
  model?: string;
  target?: string;
  status?: InteractionStatus;
  user?: string;
  search?: string;
  since?: number;
  until?: number;
}

function filterOf(options: ExportOptions): Omit<InteractionFilter, 'cursor' | 'limit'> & { q?: string } {
  const filter: Omit<InteractionFilter, 'cursor' | 'limit'> & { q?: string } = {};
  if (options.project !== undefined) filter.project = options.project;
  if (options.key !== undefined) filter.key = options.key;
  if (options.model !== undefined) filter.model = options.model;
  if (options.target !== undefined) filter.target = options.target;
  if (options.status !== undefined) filter.status = options.status;
  if (options.user !== undefined) filter.user = options.user;
  if (options.search !== undefined) filter.q = options.search;
  if (options.since !== undefined) filter.since = options.since;
  if (options.until !== undefined) filter.until = options.until;
  return filter;
}

/**
 * `slipway logs purge|export|erasures`: erasure of one end user's data, export of a filtered log, and the record
 * of past erasures. `confirm` is replaced by tests.
 */
export function registerLogsDataCommands(
  logs: Command,
  context: CommandContext,
  confirm: Confirm = askOnTerminal,
): void {
  const { io } = context;
  const parseTime = (text: string): number => parseInstant(text, io.now());

  const purge = logs
    .command('purge')
    .description(
      'Erase everything stored about one end user (interactions, attempts, search index), keeping a record',
    )
    .requiredOption('--user <id>', 'the end-user id, as clients send it in the `user` field')
    .option('--yes', 'do not ask for confirmation (required when input is not a terminal)')
    .option('--json', 'print the erasure record as JSON');
  purge.action(async (options: { user: string; yes?: boolean; json?: boolean }) => {
    if (!options.yes) {
      const answer = await confirm(
        `Erase every interaction of end user "${options.user}" in every project? This cannot be undone.`,
      );
      if (answer === null)
        purge.error('error: not a terminal; pass --yes to confirm the erasure', { exitCode: EXIT_USAGE });
      if (answer !== true) {
        io.writeErr('Nothing erased.\n');
        context.setExitCode(1);
        return;
      }
    }
    const erasure = await context.adminClient().eraseEndUser(options.user);
    if (options.json) return writeJson(io.writeOut, erasure);
    io.writeOut(
      `Erased: ${erasure.interactionsDeleted} interactions and ${erasure.attemptsDeleted} attempts deleted.\n` +
        `Erasure ${erasure.id} recorded at ${formatTime(erasure.at)} UTC (subject ${erasure.subjectHash.slice(0, 16)}…).\n`,
    );
  });

  logs
    .command('export')
    .description('Write the interactions matching the filters to a JSONL or CSV file, newest first')
    .addOption(new Option('--format <format>', 'file format').choices(FORMATS).makeOptionMandatory())
    .requiredOption('--out <file>', 'the file to write (replaced when the export completes)')
    .option('--project <id>', 'only this project')
    .option('--key <id>', 'only requests made with this API key')
    .option('--model <model>', 'only this requested model')
    .option('--target <target>', 'only this serving target (provider/model)')
    .addOption(new Option('--status <status>', 'only this outcome').choices(STATUSES))
    .option('--user <user>', 'only this end user')
    .option('--search <text>', 'only interactions whose request or response text matches')
    .option('--since <when>', 'from this time: a duration back (30m, 1h, 2d) or an ISO date', parseTime)
    .option('--until <when>', 'before this time: a duration back or an ISO date', parseTime)
    .action(async (options: ExportOptions) => {
      const signal = io.interruption();
      const body = await context
        .adminClient({ signal })
        .exportInteractions(options.format, filterOf(options));
      const counter = new ExportRecordCounter(options.format);
      const partial = `${options.out}.partial`;
      const file = createWriteStream(partial);
      const decoder = new TextDecoder();
      let shownAt = io.now();
      try {
        for await (const chunk of body) {
          counter.add(decoder.decode(chunk, { stream: true }));
          if (!file.write(chunk)) await once(file, 'drain');
          if (io.now() - shownAt >= PROGRESS_EVERY_MS) {
            io.writeErr(`\rExported ${counter.records} interactions…`);
            shownAt = io.now();
          }
        }
        file.end();
        await once(file, 'finish');
      } catch (error) {
        file.destroy();
        await rm(partial, { force: true });
        throw error;
      }
      await rename(partial, options.out);
      io.writeErr(`\rExported ${counter.records} interactions to ${options.out}.\n`);
    });

  logs
    .command('erasures')
    .description('List end-user erasures, newest first (with --user, only that end user’s)')
    .option('--user <id>', 'only the erasures of this end-user id (checked against the recorded hashes)')
    .option('--json', 'print the API response as JSON')
    .action(async (options: { user?: string; json?: boolean }) => {
      const response = await context.adminClient().listErasures(options.user);
      if (options.json) return writeJson(io.writeOut, response);
      io.writeOut(
        formatTable(
          ['ID', 'AT', 'INTERACTIONS', 'ATTEMPTS', 'REQUESTED BY', 'SUBJECT'],
          response.data.map((erasure) => [
            erasure.id,
            formatTime(erasure.at),
            String(erasure.interactionsDeleted),
            String(erasure.attemptsDeleted),
            erasure.requestedBy,
            `${erasure.subjectHash.slice(0, 16)}…`,
          ]),
        ),
      );
    });
}
