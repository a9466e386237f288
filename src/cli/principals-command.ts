import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Command } from 'commander';
import type { EndUser } from '../core/end-user.js';
import { SlipwayError } from '../core/errors.js';
import type { EndUserSyncReport } from '../services/manage-end-users.js';
import type { CommandContext } from './command-context.js';
import { formatTable } from './format-table.js';
import { formatTime, writeJson } from './format-values.js';
import { parsePositiveInteger } from './option-parsers.js';

const MAX_PAGE = 1000;

interface SetOptions {
  name?: string;
  groups?: string[];
  roles?: string[];
  clearance?: string;
  disabled?: boolean;
  json?: boolean;
}

/** `a, b` → ['a', 'b']; an empty text is an empty list (so that `--groups ""` clears the groups). */
const parseNames = (text: string): string[] =>
  text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');

const describeList = (names: readonly string[]): string => (names.length === 0 ? '-' : names.join(', '));

function endUserRows(users: readonly EndUser[]): string[][] {
  return users.map((user) => [
    user.id,
    user.name,
    describeList(user.groups),
    describeList(user.roles),
    user.clearance ?? '-',
    user.disabled ? 'disabled' : 'active',
  ]);
}

/** A sync file's content as the API takes it: `.csv` files as text, anything else as JSON entries. */
async function syncBodyOf(path: string): Promise<{ users: unknown[] } | { csv: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SlipwayError('invalid_request', `Cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (extname(path).toLowerCase() === '.csv') return { csv: text };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SlipwayError('invalid_request', `${path} is neither CSV (by its .csv name) nor valid JSON`, {
      cause: error,
    });
  }
  const users = Array.isArray(parsed) ? parsed : (parsed as { users?: unknown } | null)?.users;
  if (!Array.isArray(users)) {
    throw new SlipwayError(
      'invalid_request',
      `${path}: expected a JSON list of end users, or { "users": [...] }`,
    );
  }
  return { users: users as unknown[] };
}

function describeSync(report: EndUserSyncReport): string {
  const lines = report.errors.map(
    (error) => `line ${error.line}${error.id === null ? '' : ` (${error.id})`}: ${error.message}`,
  );
  if (report.errors.length > 0) {
    lines.push(`Nothing was changed: ${report.errors.length} line(s) are invalid.`);
    return `${lines.join('\n')}\n`;
  }
  const verb = report.dryRun ? 'Would' : 'Did';
  for (const id of report.created) lines.push(`+ ${id}`);
  for (const id of report.updated) lines.push(`~ ${id}`);
  for (const id of report.removed) lines.push(`- ${id}`);
  lines.push(
    `${verb} create ${report.created.length}, update ${report.updated.length}, remove ${report.removed.length}; ` +
      `${report.unchanged} unchanged${report.prune ? '' : ' (end users not in the file are kept; --prune removes them)'}.`,
  );
  return `${lines.join('\n')}\n`;
}

/** `slipway principals list|show|set|delete|sync`: Slipway's directory of end users (admins change it). */
export function registerPrincipalsCommand(program: Command, context: CommandContext): void {
  const principals = program
    .command('principals')
    .description('Manage the end users (and their groups, roles and clearance) that retrieval runs for');
  const write = (text: string) => context.io.writeOut(text);

  principals
    .command('list')
    .description('List end users by id')
    .option('--limit <n>', `how many (at most ${MAX_PAGE}, default 100)`, parsePositiveInteger)
    .option('--after <id>', "start after this id (the previous page's last)")
    .option('--json', 'print the API response as JSON')
    .action(async (options: { limit?: number; after?: string; json?: boolean }) => {
      const response = await context.adminClient().listEndUsers({
        ...(options.limit === undefined ? {} : { limit: Math.min(options.limit, MAX_PAGE) }),
        ...(options.after === undefined ? {} : { after: options.after }),
      });
      if (options.json) return writeJson(write, response);
      write(formatTable(['ID', 'NAME', 'GROUPS', 'ROLES', 'CLEARANCE', 'STATE'], endUserRows(response.data)));
      if (response.next_after !== null) write(`More: --after ${response.next_after}\n`);
    });

  principals
    .command('show <id>')
    .description('Show one end user')
    .option('--json', 'print the API response as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const user = await context.adminClient().getEndUser(id);
      if (options.json) return writeJson(write, user);
      write(formatTable(['ID', 'NAME', 'GROUPS', 'ROLES', 'CLEARANCE', 'STATE'], endUserRows([user])));
      write(`created ${formatTime(user.createdAt)}, updated ${formatTime(user.updatedAt)}\n`);
    });

  principals
    .command('set <id>')
    .description('Create an end user or change what is given (other fields keep their value)')
    .option('--name <name>', 'a display name')
    .option('--groups <names>', 'comma-separated groups (replaces the list; "" for none)', parseNames)
    .option('--roles <names>', 'comma-separated roles (replaces the list; "" for none)', parseNames)
    .option('--clearance <level>', 'a classification level, e.g. internal; "none" for the lowest only')
    .option('--disabled', 'refuse requests that name this end user')
    .option('--enabled', 'accept requests that name this end user again')
    .option('--json', 'print the API response as JSON')
    .action(async (id: string, options: SetOptions & { enabled?: boolean }) => {
      if (options.disabled && options.enabled) {
        throw new SlipwayError('invalid_request', 'Give --disabled or --enabled, not both.');
      }
      const body: Record<string, unknown> = {};
      if (options.name !== undefined) body.name = options.name;
      if (options.groups !== undefined) body.groups = options.groups;
      if (options.roles !== undefined) body.roles = options.roles;
      if (options.clearance !== undefined)
        body.clearance = options.clearance === 'none' ? null : options.clearance;
      if (options.disabled) body.disabled = true;
      if (options.enabled) body.disabled = false;
      const user = await context.adminClient().putEndUser(id, body);
      if (options.json) return writeJson(write, user);
      write(formatTable(['ID', 'NAME', 'GROUPS', 'ROLES', 'CLEARANCE', 'STATE'], endUserRows([user])));
    });

  principals
    .command('delete <id>')
    .description('Remove an end user from the directory')
    .action(async (id: string) => {
      await context.adminClient().deleteEndUser(id);
      write(`Deleted end user ${id}.\n`);
    });

  principals
    .command('sync <file>')
    .description(
      'Make the directory match a CSV (id,name,groups,roles,clearance; ";" between names) or JSON file',
    )
    .option('--prune', 'also remove end users the file does not list')
    .option('--dry-run', 'only report what would change')
    .option('--json', 'print the API response as JSON')
    .action(async (file: string, options: { prune?: boolean; dryRun?: boolean; json?: boolean }) => {
      const report = await context.adminClient().syncEndUsers({
        ...(await syncBodyOf(file)),
        prune: options.prune === true,
        dryRun: options.dryRun === true,
      });
      if (options.json) writeJson(write, report);
      else write(describeSync(report));
      if (report.errors.length > 0) context.setExitCode(1);
    });
}
