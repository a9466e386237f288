import { Argument, type Command, Option } from 'commander';
import { SlipwayError } from '../core/errors.js';
import type { UserView } from '../services/manage-users.js';
import type { AdminClient } from './admin-client.js';
import type { CommandContext } from './command-context.js';
import { formatTable } from './format-table.js';
import { formatTime, writeJson } from './format-values.js';
import { readPassword, type ReadPassword } from './read-password.js';

const USER_ROLES = ['admin', 'developer', 'viewer'] as const;
type UserRole = (typeof USER_ROLES)[number];

/** The user with this id or e-mail address (case-insensitive), as listed by the server. */
async function resolveUser(client: AdminClient, reference: string): Promise<UserView> {
  const { data } = await client.listUsers();
  const wanted = reference.toLowerCase();
  const user = data.find((candidate) => candidate.id === reference || candidate.email === wanted);
  if (user) return user;
  throw new SlipwayError('not_found', `No user with id or e-mail "${reference}".`);
}

function describeUser(user: UserView): string {
  return `${user.email} (${user.id}, ${user.role}${user.disabledAt === null ? '' : ', disabled'})`;
}

const stdinPassword: ReadPassword = (options) =>
  readPassword({ ...options, input: process.stdin, writeErr: (text) => process.stderr.write(text) });

/** Reads the password; no terminal and no `--password-stdin`, or an empty one, is a usage error (exit 2). */
async function passwordFor(
  command: Command,
  options: { read: ReadPassword; fromStdin: boolean; prompt: string },
): Promise<string> {
  try {
    return await options.read({ fromStdin: options.fromStdin, prompt: options.prompt });
  } catch (error) {
    if (error instanceof SlipwayError && error.code === 'invalid_request') {
      command.error(`error: ${error.message}`, { exitCode: 2, code: 'slipway.password' });
    }
    throw error;
  }
}

/**
 * `slipway users list|create|set-role|disable|enable|set-password`. Passwords come from standard input
 * (`--password-stdin`) or a prompt without echo, never from the command line. `read` is for tests.
 */
export function registerUsersCommand(
  program: Command,
  context: CommandContext,
  read: ReadPassword = stdinPassword,
): void {
  const users = program.command('users').description('Manage the people who sign in to the dashboard');
  const write = (text: string) => context.io.writeOut(text);

  users
    .command('list')
    .description('List people, their roles and when they last signed in')
    .option('--json', 'print the API response as JSON')
    .action(async (options: { json?: boolean }) => {
      const response = await context.adminClient().listUsers();
      if (options.json) return writeJson(write, response);
      write(
        formatTable(
          ['ID', 'EMAIL', 'NAME', 'ROLE', 'STATE', 'CREATED', 'LAST SIGN-IN'],
          response.data.map((user) => [
            user.id,
            user.email,
            user.name,
            user.role,
            user.disabledAt === null ? 'active' : 'disabled',
            formatTime(user.createdAt),
            formatTime(user.lastSignInAt),
          ]),
        ),
      );
    });

  users
    .command('create')
    .description('Create a person who can sign in (the first one with the bootstrap admin key)')
    .requiredOption('--email <email>', 'their e-mail address, used to sign in')
    .requiredOption('--name <name>', 'their name as shown in the dashboard')
    .addOption(new Option('--role <role>', 'what they may do').choices(USER_ROLES).makeOptionMandatory())
    .option('--password-stdin', 'read the password from standard input instead of prompting')
    .option('--json', 'print the created user as JSON')
    .action(
      async (
        options: { email: string; name: string; role: UserRole; passwordStdin?: boolean; json?: boolean },
        command: Command,
      ) => {
        const password = await passwordFor(command, {
          read,
          fromStdin: options.passwordStdin === true,
          prompt: 'Password: ',
        });
        const user = await context.adminClient().createUser({
          email: options.email,
          name: options.name,
          role: options.role,
          password,
        });
        if (options.json) return writeJson(write, user);
        write(`Created ${describeUser(user)}. They can sign in at the dashboard now.\n`);
      },
    );

  users
    .command('set-role')
    .description("Change a person's role; it applies to their open sessions at once")
    .argument('<user>', 'id or e-mail address')
    .addArgument(new Argument('<role>', 'the new role').choices(USER_ROLES))
    .action(async (reference: string, role: UserRole) => {
      const client = context.adminClient();
      const user = await client.updateUser((await resolveUser(client, reference)).id, { role });
      write(`${describeUser(user)} is now ${user.role}.\n`);
    });

  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    users
      .command(name)
      .description(
        disabled
          ? 'Stop a person from signing in and end their sessions'
          : 'Let a disabled person sign in again',
      )
      .argument('<user>', 'id or e-mail address')
      .action(async (reference: string) => {
        const client = context.adminClient();
        const user = await client.updateUser((await resolveUser(client, reference)).id, { disabled });
        write(`${disabled ? 'Disabled' : 'Enabled'} ${describeUser(user)}.\n`);
      });
  }

  users
    .command('set-password')
    .description("Set a person's password; their sessions end")
    .argument('<user>', 'id or e-mail address')
    .option('--password-stdin', 'read the password from standard input instead of prompting')
    .action(async (reference: string, options: { passwordStdin?: boolean }, command: Command) => {
      const client = context.adminClient();
      const target = await resolveUser(client, reference);
      const password = await passwordFor(command, {
        read,
        fromStdin: options.passwordStdin === true,
        prompt: 'New password: ',
      });
      const user = await client.updateUser(target.id, { password });
      write(`Set the password of ${describeUser(user)}.\n`);
    });
}
