import type { Command } from 'commander';
import type { CommandContext } from './command-context.js';
import { docsClientFor } from './docs-command.js';
import { formatTable } from './format-table.js';
import { formatTime, writeJson } from './format-values.js';

/** `slipway collections create|list`: the collections documents are ingested into. */
export function registerCollectionsCommand(program: Command, context: CommandContext): void {
  const write = (text: string) => context.io.writeOut(text);
  const collections = program.command('collections').description('Create and list document collections');

  collections
    .command('create')
    .description('Create a collection; its vectors have the dimension of its embeddings model')
    .argument('<name>', 'letters, digits, ".", "_" or "-"')
    .option('--embedding-model <model>', 'an embeddings route (default: retrieval.embeddingModel)')
    .action(async (name: string, options: { embeddingModel?: string }, command: Command) => {
      const collection = await docsClientFor(context, command).createCollection({
        name,
        ...(options.embeddingModel === undefined ? {} : { embedding_model: options.embeddingModel }),
      });
      write(
        `Created collection ${collection.name} (${collection.embeddingModel}, ${collection.dimension} dimensions).\n`,
      );
    });

  collections
    .command('list')
    .description('List collections')
    .option('--json', 'print the API response as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const response = await docsClientFor(context, command).listCollections();
      if (options.json) return writeJson(write, response);
      write(
        formatTable(
          ['NAME', 'EMBEDDING MODEL', 'DIMENSION', 'CREATED'],
          response.data.map((collection) => [
            collection.name,
            collection.embeddingModel,
            String(collection.dimension),
            formatTime(collection.createdAt),
          ]),
        ),
      );
    });
}
