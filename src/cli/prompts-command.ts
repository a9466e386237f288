import { writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { readPromptFolder } from '../compose/compose-prompt-files.js';
import { SlipwayError } from '../core/errors.js';
import type { PromptTestRun } from '../core/prompt.js';
import type { PromptVersionView } from '../http/prompt-views.js';
import type { AdminClient } from './admin-client.js';
import { colourDiff } from './colour-diff.js';
import type { CommandContext } from './command-context.js';
import { formatJunitXml } from './format-junit-xml.js';
import { formatPromptTestReport } from './format-prompt-test-report.js';
import { formatTable } from './format-table.js';
import { formatTime, writeJson } from './format-values.js';
import { parsePositiveInteger } from './option-parsers.js';
import { formatPushResults } from './prompt-push-report.js';

/** Test runs call a model once per case: minutes are normal, so they get their own budget. */
const TEST_RUN_TIMEOUT_MS = 15 * 60 * 1000;

export interface PromptsCommandOptions {
  /** Whether standard output is a terminal (diffs are coloured only there). */
  isTerminal(): boolean;
}

const terminalOutput: PromptsCommandOptions = { isTerminal: () => process.stdout.isTTY === true };

function labelsOf(labels: Record<string, number>): string {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  return entries.map(([label, version]) => `${label}=v${version}`).join(' ') || '-';
}

async function versionOf(
  client: AdminClient,
  name: string,
  selector: { label: string } | { version: number },
): Promise<PromptVersionView> {
  if ('version' in selector) return client.getPromptVersion(name, selector.version);
  const { data } = await client.listPromptVersions(name);
  const found = data.find((version) => version.labels.includes(selector.label));
  if (found === undefined) {
    throw new SlipwayError('not_found', `The prompt '${name}' has no label '${selector.label}'.`);
  }
  return found;
}

function describeVersion(version: PromptVersionView): string {
  const { definition, source } = version;
  const lines = [
    `${version.name} v${version.version}  ${version.contentHash}`,
    `labels:     ${version.labels.join(', ') || '-'}`,
    `model:      ${definition.model}`,
    `parameters: ${JSON.stringify(definition.parameters)}`,
    `variables:  ${JSON.stringify(definition.variables)}`,
    `tests:      ${definition.tests.length}`,
    `pushed:     ${formatTime(version.createdAt)} by ${version.createdBy}`,
    `source:     ${source.path}${source.gitCommit === null ? '' : ` @ ${source.gitCommit.slice(0, 12)} (${source.gitAuthor ?? 'unknown'}: ${source.gitMessage?.split('\n')[0] ?? ''})`}`,
  ];
  if (definition.description !== null) lines.splice(1, 0, definition.description);
  for (const message of definition.messages) lines.push('', `[${message.role}]`, message.content);
  return `${lines.join('\n')}\n`;
}

/** The failing cases of a run, one block each, for a refused promotion. */
function describeFailures(run: PromptTestRun): string {
  const failed = run.cases.filter((testCase) => !testCase.passed);
  const blocks = failed.map((testCase) => {
    const reasons =
      testCase.error === null
        ? testCase.assertions.filter((result) => !result.passed).map((result) => `    ${result.message}`)
        : [`    ${testCase.error}`];
    return [`  ✗ ${testCase.name}`, ...reasons].join('\n');
  });
  return `Test run ${run.id} (v${run.version} on ${run.model}): ${failed.length} of ${run.cases.length} cases failed\n${blocks.join('\n')}\n`;
}

/**
 * `slipway prompts push|list|show|versions|diff|test|promote|rollback|history`: prompts as code, against the
 * admin API. `push` reads and validates the folder locally (with its git provenance) and sends the definitions.
 */
export function registerPromptsCommand(
  program: Command,
  context: CommandContext,
  options: PromptsCommandOptions = terminalOutput,
): void {
  const prompts = program.command('prompts').description('Prompts as code: push, test, promote, roll back');
  const write = (text: string) => context.io.writeOut(text);
  const writeErr = (text: string) => context.io.writeErr(text);

  prompts
    .command('push')
    .description(
      'Register every changed prompt file of a folder as a new version (unchanged ones create nothing)',
    )
    .argument('[path]', 'the folder of prompt files', './prompts')
    .option('--json', 'print the results as JSON')
    .action(async (path: string, flags: { json?: boolean }) => {
      const folder = await readPromptFolder(path);
      const files = folder.files.map((file) => ({
        path: file.path,
        definition: file.definition,
        source: {
          gitCommit: file.source.gitCommit,
          gitAuthor: file.source.gitAuthor,
          gitMessage: file.source.gitMessage,
        },
      }));
      for (const file of folder.files.filter((read) => read.uncommitted)) {
        writeErr(
          `warning    ${file.path}: not committed to git, pushed without a commit, author or message\n`,
        );
      }
      const pushed = files.length === 0 ? [] : (await context.adminClient().pushPrompts(files)).data;
      if (flags.json) writeJson(write, { data: pushed, errors: folder.errors });
      else write(formatPushResults(pushed, folder.errors));
      if (folder.errors.length > 0 || pushed.some((result) => result.status === 'invalid'))
        context.setExitCode(1);
    });

  prompts
    .command('list')
    .description('List prompts with their latest version and labels')
    .option('--json', 'print the API response as JSON')
    .action(async (flags: { json?: boolean }) => {
      const response = await context.adminClient().listPrompts();
      if (flags.json) return writeJson(write, response);
      write(
        formatTable(
          ['NAME', 'LATEST', 'LABELS', 'UPDATED'],
          response.data.map((prompt) => [
            prompt.name,
            `v${prompt.latestVersion}`,
            labelsOf(prompt.labels),
            formatTime(prompt.updatedAt),
          ]),
        ),
      );
    });

  prompts
    .command('show')
    .description('Show one version of a prompt (the latest unless --label or --version says otherwise)')
    .argument('<name>', 'the prompt, e.g. support/triage')
    .addOption(new Option('--label <label>', 'the version this label points at').conflicts('version'))
    .option('--version <n>', 'this version number', parsePositiveInteger)
    .option('--json', 'print the API response as JSON')
    .action(async (name: string, flags: { label?: string; version?: number; json?: boolean }) => {
      const selector =
        flags.version === undefined ? { label: flags.label ?? 'latest' } : { version: flags.version };
      const version = await versionOf(context.adminClient(), name, selector);
      if (flags.json) return writeJson(write, version);
      write(describeVersion(version));
    });

  prompts
    .command('versions')
    .description("List a prompt's versions, newest first, with their labels and git provenance")
    .argument('<name>', 'the prompt')
    .option('--json', 'print the API response as JSON')
    .action(async (name: string, flags: { json?: boolean }) => {
      const response = await context.adminClient().listPromptVersions(name);
      if (flags.json) return writeJson(write, response);
      write(
        formatTable(
          ['VERSION', 'HASH', 'LABELS', 'CREATED', 'COMMIT', 'AUTHOR', 'MESSAGE'],
          response.data.map((version) => [
            `v${version.version}`,
            version.contentHash.replace(/^sha256:/, '').slice(0, 12),
            version.labels.join(',') || '-',
            formatTime(version.createdAt),
            version.source.gitCommit?.slice(0, 12) ?? '-',
            version.source.gitAuthor ?? '-',
            version.source.gitMessage?.split('\n')[0] ?? '-',
          ]),
        ),
      );
    });

  prompts
    .command('diff')
    .description(
      'Show what changed between two versions (numbers or labels): messages, variables, parameters, tests',
    )
    .argument('<name>', 'the prompt')
    .argument('<from>', 'a version number or a label')
    .argument('<to>', 'a version number or a label')
    .option('--json', 'print the API response as JSON')
    // Commander passes the three arguments, then the options: one rest parameter keeps the lint's limit of three.
    .action(async (...args: [string, string, string, { json?: boolean }]) => {
      const [name, from, to, flags] = args;
      const response = await context.adminClient().diffPrompt(name, from, to);
      if (flags.json) return writeJson(write, response);
      if (response.diff === '') return write(`v${response.from} and v${response.to} are the same.\n`);
      write(options.isTerminal() ? colourDiff(response.diff) : response.diff);
    });

  prompts
    .command('test')
    .description("Run a version's tests through the gateway and report; exits 1 when a case fails")
    .argument('<name>', 'the prompt')
    .option('--version <n>', 'the version to test (default: the latest)', parsePositiveInteger)
    .option('--model <model>', 'run on this model instead of the default test model')
    .option('--junit <file>', 'also write the results as JUnit XML to this file')
    .option('--json', 'print the test run as JSON')
    .action(
      async (name: string, flags: { version?: number; model?: string; junit?: string; json?: boolean }) => {
        const client = context.adminClient({ timeoutMs: TEST_RUN_TIMEOUT_MS });
        const version = await versionOf(
          client,
          name,
          flags.version === undefined ? { label: 'latest' } : { version: flags.version },
        );
        const cases = version.definition.tests.length;
        writeErr(`Running ${cases} test case${cases === 1 ? '' : 's'} of ${name} v${version.version}…\n`);
        const run = await client.testPrompt(name, {
          version: version.version,
          ...(flags.model === undefined ? {} : { model: flags.model }),
        });
        if (flags.junit !== undefined) await writeFile(flags.junit, formatJunitXml(run));
        if (flags.json) writeJson(write, run);
        else write(formatPromptTestReport(run));
        if (!run.passed) context.setExitCode(1);
      },
    );

  prompts
    .command('promote')
    .description('Move a label to a version whose tests pass; refused, with the failing cases, otherwise')
    .argument('<name>', 'the prompt')
    .requiredOption('--version <n>', 'the version to promote', parsePositiveInteger)
    .requiredOption('--to <label>', 'the label to move, e.g. production or staging')
    .option(
      '--override',
      'admins only: move a protected label past failing or missing tests (needs --reason)',
    )
    .option('--reason <text>', 'why: recorded with the move')
    .action(
      async (
        name: string,
        flags: { version: number; to: string; override?: boolean; reason?: string },
        command: Command,
      ) => {
        if (flags.override && (flags.reason === undefined || flags.reason.trim() === '')) {
          command.error('error: --override needs --reason "why"', { exitCode: 2, code: 'slipway.reason' });
        }
        const client = context.adminClient({ timeoutMs: TEST_RUN_TIMEOUT_MS });
        try {
          const { move, testRun } = await client.promotePrompt(name, {
            version: flags.version,
            label: flags.to,
            ...(flags.override && flags.reason !== undefined ? { override: { reason: flags.reason } } : {}),
          });
          const from = move.fromVersion === null ? 'unset' : `v${move.fromVersion}`;
          const tests = testRun === null ? 'no test run' : `test run ${testRun.id}`;
          write(
            `${name}: ${move.label} ${from} → v${move.toVersion} (${tests}${move.override ? ', override' : ''})\n`,
          );
        } catch (error) {
          if (error instanceof SlipwayError && error.code === 'conflict') {
            const { data } = await client.listPromptTestRuns(name, flags.version);
            const latest = data[0];
            if (latest !== undefined && !latest.passed) writeErr(describeFailures(latest));
          }
          throw error;
        }
      },
    );

  prompts
    .command('rollback')
    .description('Move a label back to the version it pointed at before its last move')
    .argument('<name>', 'the prompt')
    .requiredOption('--label <label>', 'the label to move back, e.g. production')
    .option('--reason <text>', 'why: recorded with the move')
    .action(async (name: string, flags: { label: string; reason?: string }) => {
      const { move } = await context.adminClient().rollbackPrompt(name, {
        label: flags.label,
        ...(flags.reason === undefined ? {} : { reason: flags.reason }),
      });
      write(`${name}: ${move.label} v${move.fromVersion ?? '-'} → v${move.toVersion} (rollback)\n`);
    });

  prompts
    .command('history')
    .description("Every move of a prompt's labels, newest first: who, when, from, to, why")
    .argument('<name>', 'the prompt')
    .option('--label <label>', 'only this label')
    .option('--json', 'print the API response as JSON')
    .action(async (name: string, flags: { label?: string; json?: boolean }) => {
      const response = await context.adminClient().listPromptLabelMoves(name, flags.label);
      if (flags.json) return writeJson(write, response);
      write(
        formatTable(
          ['AT', 'LABEL', 'FROM', 'TO', 'KIND', 'ACTOR', 'TEST RUN', 'REASON'],
          response.data.map((move) => [
            formatTime(move.at),
            move.label,
            move.fromVersion === null ? '-' : `v${move.fromVersion}`,
            `v${move.toVersion}`,
            move.override ? `${move.kind} (override)` : move.kind,
            move.actor,
            move.testRunId ?? '-',
            move.reason ?? '-',
          ]),
        ),
      );
    });
}
