import { Command, CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { readCliSettings } from '../config/cli-settings.js';
import type { AdminClient, ErasureView } from './admin-client.js';
import type { CommandContext } from './command-context.js';
import { type Confirm, registerLogsDataCommands } from './logs-data-commands.js';

const ERASURE: ErasureView = {
  id: 'era_1',
  at: Date.UTC(2026, 11, 4, 12, 0, 0),
  subjectHash: 'ab'.repeat(32),
  interactionsDeleted: 3,
  attemptsDeleted: 4,
  requestedBy: 'user:usr_1',
};

async function purge(argv: string[], confirm: Confirm) {
  const erased: string[] = [];
  const questions: string[] = [];
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  const client = {
    eraseEndUser: (endUser: string) => {
      erased.push(endUser);
      return Promise.resolve(ERASURE);
    },
  } as unknown as AdminClient;
  const context: CommandContext = {
    io: {
      writeOut: (text) => (stdout += text),
      writeErr: (text) => (stderr += text),
      settings: readCliSettings({}),
      now: () => 0,
      interruption: () => new AbortController().signal,
    },
    adminClient: () => client,
    setExitCode: (code) => (exitCode = code),
  };
  const program = new Command('slipway')
    .exitOverride()
    .configureOutput({ writeOut: context.io.writeOut, writeErr: context.io.writeErr });
  registerLogsDataCommands(program.command('logs'), context, (question) => {
    questions.push(question);
    return confirm(question);
  });
  try {
    await program.parseAsync(['logs', 'purge', ...argv], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    exitCode = error.exitCode;
  }
  return { erased, questions, stdout, stderr, exitCode };
}

describe('slipway logs purge', () => {
  it('asks first, and erases once confirmed', async () => {
    const result = await purge(['--user', 'u-1'], () => Promise.resolve(true));
    expect(result.questions).toEqual([
      'Erase every interaction of end user "u-1" in every project? This cannot be undone.',
    ]);
    expect(result.erased).toEqual(['u-1']);
    expect(result.stdout).toBe(
      'Erased: 3 interactions and 4 attempts deleted.\n' +
        'Erasure era_1 recorded at 2026-12-04 12:00:00 UTC (subject abababababababab…).\n',
    );
  });

  it('erases nothing and fails when the answer is no', async () => {
    const result = await purge(['--user', 'u-1'], () => Promise.resolve(false));
    expect(result).toMatchObject({ erased: [], exitCode: 1, stderr: 'Nothing erased.\n' });
  });

  it('needs --yes when there is no terminal to ask on (usage error)', async () => {
    const result = await purge(['--user', 'u-1'], () => Promise.resolve(null));
    expect(result).toMatchObject({ erased: [], exitCode: 2 });
    expect(result.stderr).toContain('pass --yes');
  });

  it('does not ask with --yes, and prints the record with --json', async () => {
    const result = await purge(['--user', 'u-1', '--yes', '--json'], () =>
      Promise.reject(new Error('asked')),
    );
    expect(result.questions).toEqual([]);
    expect(JSON.parse(result.stdout)).toEqual(ERASURE);
  });
});
