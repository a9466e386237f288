import type { Command } from 'commander';
import type { CommandContext } from './command-context.js';
import { formatTable } from './format-table.js';
import { formatTime, writeJson } from './format-values.js';

/** `slipway routes status`: each route's targets and the state of their circuit breakers. */
export function registerRoutesCommand(program: Command, context: CommandContext): void {
  program
    .command('routes')
    .description('Inspect routing')
    .command('status')
    .description('Show each route’s targets and their circuit-breaker state')
    .option('--json', 'print the API response as JSON')
    .action(async (options: { json?: boolean }) => {
      const response = await context.adminClient().listRoutes();
      if (options.json) return writeJson(context.io.writeOut, response);
      const rows = response.data.flatMap((route) =>
        route.targets.map((target, index) => [
          // The route's own columns only on its first target, so that each route reads as one block.
          index === 0 ? route.model : '',
          index === 0 ? route.kind : '',
          index === 0 ? route.strategy : '',
          `${target.provider}/${target.model}`,
          String(target.weight),
          target.breaker.state,
          String(target.breaker.consecutiveFailures),
          formatTime(target.breaker.openedAt),
        ]),
      );
      context.io.writeOut(
        formatTable(['MODEL', 'KIND', 'STRATEGY', 'TARGET', 'WEIGHT', 'BREAKER', 'FAILURES', 'OPENED'], rows),
      );
    });
}
