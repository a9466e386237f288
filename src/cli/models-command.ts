import type { Command } from 'commander';
import type { CommandContext } from './command-context.js';
import { formatTable } from './format-table.js';
import { writeJson } from './format-values.js';

/** `slipway models list`: the public model names clients may ask for. */
export function registerModelsCommand(program: Command, context: CommandContext): void {
  program
    .command('models')
    .description('Show the models clients can call')
    .command('list')
    .description('List the public model names')
    .option('--json', 'print the API response as JSON')
    .action(async (options: { json?: boolean }) => {
      const response = await context.adminClient().listModels();
      if (options.json) return writeJson(context.io.writeOut, response);
      context.io.writeOut(
        formatTable(
          ['ID', 'OWNED BY', 'DESCRIPTION'],
          response.data.map((model) => [model.id, model.owned_by, model.description ?? '']),
        ),
      );
    });
}
