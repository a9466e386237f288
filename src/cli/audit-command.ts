import type { Command } from 'commander';
import type { CommandContext } from './command-context.js';
import { formatTable } from './format-table.js';
import { formatTime, writeJson } from './format-values.js';
import { parsePositiveInteger } from './option-parsers.js';

const MAX_LIMIT = 500;

/** `slipway audit list`: sign-ins, people and key changes, newest first (admins only). */
export function registerAuditCommand(program: Command, context: CommandContext): void {
  const audit = program.command('audit').description('Read the audit log (admins only)');

  audit
    .command('list')
    .description('List audit events, newest first')
    .option('--action <action>', 'only this action, e.g. auth.login_failed or user.role_change')
    .option('--limit <n>', `how many events (at most ${MAX_LIMIT}, default 50)`, parsePositiveInteger)
    .option('--json', 'print the API response as JSON')
    .action(async (options: { action?: string; limit?: number; json?: boolean }) => {
      const response = await context.adminClient().listAudit({
        ...(options.action === undefined ? {} : { action: options.action }),
        ...(options.limit === undefined ? {} : { limit: Math.min(options.limit, MAX_LIMIT) }),
      });
      if (options.json) return writeJson(context.io.writeOut, response);
      context.io.writeOut(
        formatTable(
          ['AT', 'ACTOR', 'ACTION', 'TARGET', 'OUTCOME', 'DETAIL'],
          response.data.map((event) => [
            formatTime(event.at),
            `${event.actor.kind === 'anonymous' ? '?' : ''}${event.actor.label}`,
            event.action,
            event.target ?? '-',
            event.outcome,
            Object.keys(event.detail).length === 0 ? '-' : JSON.stringify(event.detail),
          ]),
        ),
      );
    });
}
