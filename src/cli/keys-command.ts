import { randomBytes } from 'node:crypto';
import { type Command, Option } from 'commander';
import { formatApiKey } from '../core/api-key-format.js';
import { ROLES, type LimitPolicy, type Role } from '../core/identity.js';
import type { CreateKeyRequest, KeyView } from './admin-client.js';
import type { CommandContext } from './command-context.js';
import { formatTable } from './format-table.js';
import { formatTime, formatUsd, writeJson } from './format-values.js';
import { parseNameList, parsePositiveInteger, parseUsdAmount } from './option-parsers.js';

interface CreateOptions {
  name: string;
  project?: string;
  role?: Role;
  models?: string[];
  expiresInDays?: number;
  rpm?: number;
  tpm?: number;
  dailyBudget?: number;
  monthlyBudget?: number;
  actAsEndUser?: boolean;
  json?: boolean;
}

function limitsOf(options: CreateOptions): LimitPolicy | undefined {
  const limits: LimitPolicy = {};
  if (options.rpm !== undefined) limits.requestsPerMinute = options.rpm;
  if (options.tpm !== undefined) limits.tokensPerMinute = options.tpm;
  if (options.dailyBudget !== undefined) limits.spendPerDayUsd = options.dailyBudget;
  if (options.monthlyBudget !== undefined) limits.spendPerMonthUsd = options.monthlyBudget;
  return Object.keys(limits).length === 0 ? undefined : limits;
}

function createRequestOf(options: CreateOptions): CreateKeyRequest {
  const limits = limitsOf(options);
  return {
    name: options.name,
    ...(options.project === undefined ? {} : { project: options.project }),
    ...(options.role === undefined ? {} : { role: options.role }),
    ...(options.expiresInDays === undefined ? {} : { expiresInDays: options.expiresInDays }),
    ...(options.models === undefined ? {} : { allowedModels: options.models }),
    ...(limits === undefined ? {} : { limits }),
    ...(options.actAsEndUser === true ? { actAsEndUser: true } : {}),
  };
}

function stateOf(key: KeyView, now: number): string {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  return 'active';
}

function describeLimits(limits: LimitPolicy): string {
  const parts: string[] = [];
  if (limits.requestsPerMinute !== undefined) parts.push(`${limits.requestsPerMinute} rpm`);
  if (limits.tokensPerMinute !== undefined) parts.push(`${limits.tokensPerMinute} tpm`);
  if (limits.spendPerDayUsd !== undefined) parts.push(`${formatUsd(limits.spendPerDayUsd)}/day`);
  if (limits.spendPerMonthUsd !== undefined) parts.push(`${formatUsd(limits.spendPerMonthUsd)}/month`);
  return parts.length === 0 ? '-' : parts.join(', ');
}

/** One line of `keys usage`: what was used, against the limit when there is one. */
interface UsageFigures {
  used: number;
  limit: number | undefined;
  format: (value: number) => string;
}

const SECRET_WARNING = 'Copy it now: this secret will not be shown again.';

/** `slipway keys create|list|revoke`. */
export function registerKeysCommand(program: Command, context: CommandContext): void {
  const keys = program.command('keys').description('Create, list and revoke API keys');

  keys
    .command('create')
    .description('Create an API key and print its secret, once')
    .requiredOption('--name <name>', 'a name to recognise the key by')
    .option('--project <project>', 'project id or name (default: the "default" project)')
    .addOption(new Option('--role <role>', 'what the key may do (default: app)').choices(ROLES))
    .option('--models <names>', 'comma-separated public model names the key may call', parseNameList)
    .option('--expires-in-days <days>', 'the key stops working after this many days', parsePositiveInteger)
    .option('--rpm <n>', 'requests per minute', parsePositiveInteger)
    .option('--tpm <n>', 'tokens per minute', parsePositiveInteger)
    .option('--daily-budget <usd>', 'spend per day in USD', parseUsdAmount)
    .option('--monthly-budget <usd>', 'spend per month in USD', parseUsdAmount)
    .option('--act-as-end-user', 'let requests with this key name the end user they run for')
    .option('--json', 'print the key and secret as JSON')
    .action(async (options: CreateOptions) => {
      const { io } = context;
      const created = await context.adminClient().createKey(createRequestOf(options));
      if (options.json) {
        writeJson(io.writeOut, created);
        // On stderr so that stdout stays pure JSON.
        io.writeErr(`${SECRET_WARNING}\n`);
        return;
      }
      const { key } = created;
      io.writeOut(
        `Created key ${key.id} (${key.name}) in project ${key.projectId} with role ${key.role}.\n\n` +
          `    ${created.secret}\n\n${SECRET_WARNING}\n`,
      );
    });

  keys
    .command('list')
    .description('List API keys')
    .option('--project <project>', 'only keys of this project (id or name)')
    .option('--json', 'print the API response as JSON')
    .action(async (options: { project?: string; json?: boolean }) => {
      const { io } = context;
      const response = await context.adminClient().listKeys(options.project);
      if (options.json) return writeJson(io.writeOut, response);
      const now = io.now();
      io.writeOut(
        formatTable(
          ['ID', 'NAME', 'PROJECT', 'ROLE', 'PREFIX', 'STATE', 'CREATED', 'EXPIRES', 'MODELS', 'LIMITS'],
          response.data.map((key) => [
            key.id,
            key.name,
            key.projectId,
            key.role,
            key.displayPrefix,
            stateOf(key, now),
            formatTime(key.createdAt),
            formatTime(key.expiresAt),
            key.allowedModels === null ? 'all' : key.allowedModels.join(','),
            describeLimits(key.limits),
          ]),
        ),
      );
    });

  keys
    .command('revoke')
    .description('Revoke an API key: it stops working at once')
    .argument('<id>', 'the key id')
    .option('--json', 'print the revoked key as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const key = await context.adminClient().revokeKey(id);
      if (options.json) return writeJson(context.io.writeOut, key);
      context.io.writeOut(`Revoked key ${key.id} (${key.name}).\n`);
    });

  keys
    .command('usage')
    .description('Show a key’s limits and what it has used this minute, today and this month (UTC)')
    .argument('<id>', 'the key id')
    .option('--json', 'print the API response as JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const report = await context.adminClient().keyUsage(id);
      if (options.json) return writeJson(context.io.writeOut, report);
      const { limits, usage } = report;
      const whole = (value: number) => value.toLocaleString('en-US');
      const row = (measure: string, figures: UsageFigures) => [
        measure,
        figures.format(figures.used),
        figures.limit === undefined ? '-' : figures.format(figures.limit),
        figures.limit === undefined ? '-' : `${((figures.used / figures.limit) * 100).toFixed(1)}%`,
      ];
      context.io.writeOut(
        `Key ${report.keyId}\n\n` +
          formatTable(
            ['MEASURE', 'USED', 'LIMIT', 'OF LIMIT'],
            [
              row('requests this minute', {
                used: usage.requestsThisMinute,
                limit: limits.requestsPerMinute,
                format: whole,
              }),
              row('tokens this minute', {
                used: usage.tokensThisMinute,
                limit: limits.tokensPerMinute,
                format: whole,
              }),
              row('spend today (UTC)', {
                used: usage.spendTodayUsd,
                limit: limits.spendPerDayUsd,
                format: formatUsd,
              }),
              row('spend this month (UTC)', {
                used: usage.spendThisMonthUsd,
                limit: limits.spendPerMonthUsd,
                format: formatUsd,
              }),
            ],
          ),
      );
    });

  keys
    .command('generate-secret')
    .description(
      'Print a new, well-formed key secret without contacting a server (e.g. for SLIPWAY_ADMIN_KEY)',
    )
    .action(() => {
      context.io.writeOut(`${formatApiKey(randomBytes(32))}\n`);
    });
}
