import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { checkConfigText, formatProblems } from '../config/check-config.js';
import type { CommandContext } from './command-context.js';

const EXIT_INVALID = 1;
const EXIT_MISSING = 2;

function errorCodeOf(error: unknown): unknown {
  return error instanceof Error && 'code' in error ? error.code : undefined;
}

/** `slipway config check [file]`: validates a configuration file locally, without a server. */
export function registerConfigCommand(program: Command, context: CommandContext): void {
  program
    .command('config')
    .description('Work with the configuration file')
    .command('check')
    .description('Validate a configuration file with the current environment applied')
    .argument('[file]', 'the file to check (default: $SLIPWAY_CONFIG or ./slipway.yaml)')
    .action(async (file: string | undefined) => {
      const { io } = context;
      const path = file ?? io.settings.configPath;
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        const code = errorCodeOf(error);
        const missing = code === 'ENOENT' || code === 'EISDIR';
        io.writeErr(
          missing
            ? `error: no configuration file at ${path}\n`
            : `error: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        return context.setExitCode(missing ? EXIT_MISSING : EXIT_INVALID);
      }
      const check = checkConfigText(text, { env: io.settings.env });
      if (check.ok) return io.writeOut('ok\n');
      io.writeOut(`${formatProblems(path, check.problems)}\n`);
      context.setExitCode(EXIT_INVALID);
    });
}
