import { Command, CommanderError } from 'commander';
import { SlipwayError } from '../core/errors.js';
import { AdminClient } from './admin-client.js';
import { registerAuditCommand } from './audit-command.js';
import { registerBatchesCommand } from './batches-command.js';
import { registerCollectionsCommand } from './collections-command.js';
import type { CliIo, CommandContext } from './command-context.js';
import { registerConfigCommand } from './config-command.js';
import { registerDocsCommand } from './docs-command.js';
import { registerKeysCommand } from './keys-command.js';
import { registerLogsCommand } from './logs-command.js';
import { registerModelsCommand } from './models-command.js';
import { parseBaseUrl } from './option-parsers.js';
import { registerPrincipalsCommand } from './principals-command.js';
import { registerProjectsCommand } from './projects-command.js';
import { registerPromptsCommand } from './prompts-command.js';
import { registerQueueCommand } from './queue-command.js';
import { registerRoutesCommand } from './routes-command.js';
import { registerStatsCommand } from './stats-command.js';
import { registerUsersCommand } from './users-command.js';

/** Exit codes: 1 for operational and API errors, 2 for usage errors. */
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;
const DEFAULT_TIMEOUT_MS = 10_000;

export interface ProgramOptions {
  /** Registers `slipway start`; main.ts passes it, tests leave it out so that no server is involved. */
  registerStart?: (program: Command) => void;
  version?: string;
  /** Budget for each admin API request. */
  requestTimeoutMs?: number;
}

export interface CliProgram {
  /** Runs one command line (without `node` and the script) and resolves to the exit code; never throws for expected errors. */
  run(argv: readonly string[]): Promise<number>;
}

/**
 * Builds the `slipway` program over the given I/O. Build one per run: commander keeps parsed state.
 * @example process.exitCode = await buildProgram(io, { registerStart }).run(process.argv.slice(2));
 */
export function buildProgram(io: CliIo, options: ProgramOptions = {}): CliProgram {
  let exitCode = 0;
  const program = new Command('slipway')
    .description('Slipway: an OpenAI-compatible LLM gateway that logs every interaction')
    .configureOutput({ writeOut: io.writeOut, writeErr: io.writeErr })
    .exitOverride()
    .showSuggestionAfterError()
    .option(
      '--url <url>',
      `Slipway server URL (default: ${io.settings.url}, set by $SLIPWAY_URL)`,
      parseBaseUrl,
    )
    .option('--token <token>', 'admin API token (default: $SLIPWAY_TOKEN or $SLIPWAY_ADMIN_KEY)');

  const context: CommandContext = {
    io,
    adminClient: (clientOptions = {}) => {
      const global = program.opts<{ url?: string; token?: string }>();
      return new AdminClient({
        url: global.url ?? io.settings.url,
        token: global.token ?? io.settings.token,
        timeoutMs: options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS,
        ...clientOptions,
      });
    },
    setExitCode: (code) => {
      exitCode = code;
    },
  };

  options.registerStart?.(program);
  registerKeysCommand(program, context);
  registerProjectsCommand(program, context);
  registerLogsCommand(program, context);
  registerModelsCommand(program, context);
  registerRoutesCommand(program, context);
  registerStatsCommand(program, context);
  registerUsersCommand(program, context);
  registerAuditCommand(program, context);
  registerPrincipalsCommand(program, context);
  registerConfigCommand(program, context);
  registerBatchesCommand(program, context);
  registerQueueCommand(program, context);
  registerCollectionsCommand(program, context);
  registerDocsCommand(program, context);
  registerPromptsCommand(program, context);

  return {
    run: async (argv) => {
      // Commander takes a program option wherever it appears, so a program-wide `--version` would swallow the
      // `--version <n>` of `prompts test|promote` (a prompt version): the program's own exists only when the
      // line names no command (`slipway --version`, `slipway --help`).
      const names = new Set(program.commands.flatMap((command) => [command.name(), ...command.aliases()]));
      if (options.version !== undefined && !argv.some((arg) => names.has(arg)))
        program.version(options.version);
      try {
        await program.parseAsync([...argv], { from: 'user' });
        return exitCode;
      } catch (error) {
        // Commander has already printed its message (and help, where asked for).
        if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
        if (error instanceof SlipwayError) {
          io.writeErr(`error: ${error.message}\n`);
          return EXIT_FAILURE;
        }
        throw error;
      }
    },
  };
}
