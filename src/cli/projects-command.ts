import type { Command } from 'commander';
import type { CommandContext } from './command-context.js';
import { formatTable } from './format-table.js';
import { formatTime, writeJson } from './format-values.js';

/** `slipway projects list|create`. */
export function registerProjectsCommand(program: Command, context: CommandContext): void {
  const projects = program.command('projects').description('List and create projects');

  projects
    .command('list')
    .description('List projects')
    .option('--json', 'print the API response as JSON')
    .action(async (options: { json?: boolean }) => {
      const response = await context.adminClient().listProjects();
      if (options.json) return writeJson(context.io.writeOut, response);
      context.io.writeOut(
        formatTable(
          ['ID', 'NAME', 'CREATED'],
          response.data.map((project) => [project.id, project.name, formatTime(project.createdAt)]),
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
}
