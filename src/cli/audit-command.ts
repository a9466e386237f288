import type { Command } from 'commander';
import type { CommandContext } from './command-context.js';
import { formatTable } from './format-table.js';
import { formatTime, writeJson } from './format-values.js';
import { parsePositiveInteger } from './option-parsers.js';

const MAX_LIMIT = 500;

interface ListOptions {
  action?: string;
  user?: string;
  doc?: string;
  target?: string;
  limit?: number;
  json?: boolean;
}

/** `slipway audit list|verify`: the tamper-evident audit log (admins only). */
export function registerAuditCommand(program: Command, context: CommandContext): void {
  const audit = program.command('audit').description('Read and verify the audit log (admins only)');

  audit
    .command('list')
    .description('List audit events, newest first')
    .option('--action <action>', 'only this action, e.g. auth.login_failed or user.role_change')
    .option('--user <end user>', 'only events about this end user (retrievals, directory changes)')
    .option('--doc <document id>', 'only events that touched this document')
    .option('--target <id>', 'only events whose target is this id')
    .option('--limit <n>', `how many events (at most ${MAX_LIMIT}, default 50)`, parsePositiveInteger)
    .option('--json', 'print the API response as JSON')
    .action(async (options: ListOptions) => {
      const response = await context.adminClient().listAudit({
        ...(options.action === undefined ? {} : { action: options.action }),
        ...(options.user === undefined ? {} : { user: options.user }),
        ...(options.doc === undefined ? {} : { doc: options.doc }),
        ...(options.target === undefined ? {} : { target: options.target }),
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

  audit
    .command('verify')
    .description('Recompute the hash chain; exits 1 when an event was edited, deleted or forged')
    .option('--json', 'print the API response as JSON')
    .action(async (options: { json?: boolean }) => {
      const report = await context.adminClient().verifyAudit();
      if (options.json) writeJson(context.io.writeOut, report);
      else if (report.ok)
        context.io.writeOut(`The audit chain is intact: ${report.checked} events checked.\n`);
      else {
        context.io.writeErr(
          `The audit chain is BROKEN at event #${report.firstBadSeq ?? '?'}: ${report.reason ?? 'unknown'} ` +
            `(${report.checked} events before it check out).\n`,
        );
      }
      if (!report.ok) context.setExitCode(1);
    });
}
