import type { Command } from 'commander';
import type { CommandContext } from './command-context.js';
import { formatTable } from './format-table.js';
import { formatTime, writeJson } from './format-values.js';
import { parsePositiveInteger } from './option-parsers.js';

const EXIT_USAGE = 2;

function formatRetention(days: number | null): string {
  if (days === null) return 'forever';
  return days === 1 ? '1 day' : `${days} days`;
}

/** `slipway projects list|create|retention`. */
export function registerProjectsCommand(program: Command, context: CommandContext): void {
  const projects = program
    .command('projects')
    .description('List and create projects, and set how long they keep interactions');

  projects
    .command('list')
    .description('List projects')
    .option('--json', 'print the API response as JSON')
    .action(async (options: { json?: boolean }) => {
      const response = await context.adminClient().listProjects();
      if (options.json) return writeJson(context.io.writeOut, response);
      context.io.writeOut(
        formatTable(
          ['ID', 'NAME', 'CREATED', 'RETENTION'],
          response.data.map((project) => [
            project.id,
            project.name,
            formatTime(project.createdAt),
            formatRetention(project.retentionDays),
          ]),
        ),
      );
    });

  projects
    .command('create')
    .description('Create a project')
    .argument('<name>', 'the project name')
    .option('--json', 'print the created project as JSON')
    .action(async (name: string, options: { json?: boolean }) => {
      const project = await context.adminClient().createProject(name);
      if (options.json) return writeJson(context.io.writeOut, project);
      context.io.writeOut(`Created project ${project.name} (${project.id}).\n`);
    });

  const retention = projects
    .command('retention')
    .description(
      'Set how long a project keeps its interactions (older ones are deleted by the retention job)',
    )
    .argument('<project>', 'the project id or name')
    .option('--days <n>', 'keep interactions this many days (1..36500)', parsePositiveInteger)
    .option('--forever', 'keep interactions forever')
    .option('--json', 'print the updated project as JSON');
  retention.action(
    async (reference: string, options: { days?: number; forever?: boolean; json?: boolean }) => {
      if ((options.days === undefined) === (options.forever !== true)) {
        retention.error('error: give either --days <n> or --forever', { exitCode: EXIT_USAGE });
      }
      const project = await context.adminClient().setProjectRetention(reference, options.days ?? null);
      if (options.json) return writeJson(context.io.writeOut, project);
      context.io.writeOut(
        project.retentionDays === null
          ? `Project ${project.name} (${project.id}) keeps its interactions forever.\n`
          : `Project ${project.name} (${project.id}) keeps its interactions for ${formatRetention(project.retentionDays)}.\n`,
      );
    },
  );
}
