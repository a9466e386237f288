import type { Command } from 'commander';
import type { CommandContext } from './command-context.js';
import { formatTable } from './format-table.js';
import { formatTime, writeJson } from './format-values.js';
import { parsePositiveInteger } from './option-parsers.js';

const MAX_LIMIT = 500;
const EXIT_USAGE = 2;

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `slipway queue status|dead-letters|redrive`: the job queue's depth, its dead letters and their redrive. */
export function registerQueueCommand(program: Command, context: CommandContext): void {
  const queue = program.command('queue').description('Inspect the job queue and re-drive dead letters');
  const write = (text: string) => context.io.writeOut(text);

  queue
    .command('status')
    .description('Jobs per name (ready, delayed, in flight, dead-lettered) and the live workers')
    .option('--json', 'print the API response as JSON')
    .action(async (options: { json?: boolean }) => {
      const status = await context.adminClient().queueStatus();
      if (options.json) return writeJson(write, status);
      write(`Queue: ${status.kind}\n\n`);
      write(
        status.jobs.length === 0
          ? 'No jobs.\n'
          : formatTable(
              ['JOB', 'READY', 'DELAYED', 'IN FLIGHT', 'DEAD'],
              status.jobs.map((job) => [
                job.name,
                String(job.ready),
                job.delayed === null ? '-' : String(job.delayed),
                String(job.inFlight),
                String(job.deadLettered),
              ]),
            ),
      );
      write(`\nLive workers: ${status.workers.length}\n`);
      if (status.workers.length > 0) {
        write(
          formatTable(
            ['ID', 'HOST', 'PID', 'STARTED', 'LAST SEEN', 'JOBS'],
            status.workers.map((worker) => [
              worker.id,
              worker.host,
              String(worker.pid),
              formatTime(worker.startedAt),
              formatTime(worker.lastSeenAt),
              worker.jobNames.join(',') || '-',
            ]),
          ),
        );
      }
    });

  queue
    .command('dead-letters')
    .description('List dead-lettered jobs with the reason of their last failure')
    .option('--name <job>', 'only jobs of this name')
    .option('--limit <n>', `how many (at most ${MAX_LIMIT}, default 50)`, parsePositiveInteger)
    .option('--json', 'print the API response as JSON')
    .action(async (options: { name?: string; limit?: number; json?: boolean }) => {
      const response = await context.adminClient().listDeadLetters({
        ...(options.name === undefined ? {} : { name: options.name }),
        ...(options.limit === undefined ? {} : { limit: Math.min(options.limit, MAX_LIMIT) }),
      });
      if (options.json) return writeJson(write, response);
      if (response.data.length === 0) return write('No dead letters.\n');
      write(
        formatTable(
          ['ID', 'JOB', 'ATTEMPTS', 'DEAD SINCE', 'REASON'],
          response.data.map((letter) => [
            letter.id,
            letter.name,
            String(letter.attempts),
            formatTime(letter.deadLetteredAt),
            letter.reason,
          ]),
        ),
      );
    });

  queue
    .command('redrive')
    .description('Put dead letters back in the queue as new jobs (all, all of --name, or each --id)')
    .option('--name <job>', 'only jobs of this name')
    .option('--id <id>', 'only this job (repeat for several)', collect)
    .option('--yes', 'do it; without it, only say how many would go back')
    .action(async (options: { name?: string; id?: string[]; yes?: boolean }, command: Command) => {
      const client = context.adminClient();
      const query = {
        ...(options.name === undefined ? {} : { name: options.name }),
        ...(options.id === undefined ? {} : { ids: options.id }),
      };
      if (options.yes !== true) {
        const letters = (
          await client.listDeadLetters({
            ...(options.name === undefined ? {} : { name: options.name }),
            limit: MAX_LIMIT,
          })
        ).data.filter((letter) => options.id === undefined || options.id.includes(letter.id));
        const count = letters.length === MAX_LIMIT ? `at least ${MAX_LIMIT}` : String(letters.length);
        write(`${count} dead letters match; each would run again from its first attempt.\n`);
        command.error('error: nothing re-driven: pass --yes to re-drive them', {
          exitCode: EXIT_USAGE,
          code: 'slipway.confirm',
        });
      }
      const { redriven } = await client.redriveDeadLetters(query);
      write(`Re-drove ${redriven} dead ${redriven === 1 ? 'letter' : 'letters'}.\n`);
    });
}
