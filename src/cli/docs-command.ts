import { setTimeout as delay } from 'node:timers/promises';
import type { Command } from 'commander';
import type { IngestionRun } from '../core/documents/document.js';
import { SlipwayError } from '../core/errors.js';
import type { CommandContext } from './command-context.js';
import { DocsClient } from './docs-client.js';
import { formatTable } from './format-table.js';
import { formatTime, writeJson } from './format-values.js';
import { parsePositiveInteger } from './option-parsers.js';
import { readDocumentFiles } from './read-document-files.js';

/** Uploads may be large; other requests keep the usual budget. */
const UPLOAD_TIMEOUT_MS = 300_000;
const REQUEST_TIMEOUT_MS = 10_000;

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `12/40 documents, 3 failed`, and `, 1 cancelled` when documents were deleted before they were indexed. */
function progressOf(run: IngestionRun): string {
  const handled = run.done + run.failed + run.cancelled;
  const cancelled = run.cancelled > 0 ? `, ${run.cancelled} cancelled` : '';
  return `${handled}/${run.total} documents, ${run.failed} failed${cancelled}`;
}

/** A client for the URL and token in effect (`--url`/`--token` over the environment). */
export function docsClientFor(context: CommandContext, command: Command, timeoutMs = REQUEST_TIMEOUT_MS) {
  const global = command.optsWithGlobals<{ url?: string; token?: string }>();
  return new DocsClient({
    url: global.url ?? context.io.settings.url,
    token: global.token ?? context.io.settings.token,
    timeoutMs,
  });
}

/**
 * `slipway docs ingest|list|delete|set-access`: documents of a collection on a running server. `ingest` uploads a
 * file or a folder (recursively), then shows the run's progress each time it changes until every document is
 * handled; it exits non-zero when any failed.
 */
export function registerDocsCommand(program: Command, context: CommandContext): void {
  const write = (text: string) => context.io.writeOut(text);
  const docs = program
    .command('docs')
    .description('Ingest, list and delete documents, and change who may read them');

  async function waitFor(client: DocsClient, run: IngestionRun, intervalMs: number): Promise<IngestionRun> {
    let current = run;
    let shown = '';
    for (;;) {
      const line = progressOf(current);
      if (line !== shown) write(`${line}\n`);
      shown = line;
      if (current.status !== 'running') return current;
      await delay(intervalMs);
      current = await client.getRun(current.id);
    }
  }

  docs
    .command('ingest')
    .description('Upload a file, or every document under a folder, into a collection')
    .argument('<path>', 'a file, or a folder (.txt, .md, .html, .pdf and .docx files under it, recursively)')
    .requiredOption('--collection <name>', 'the collection to ingest into')
    .option(
      '--allow <who>',
      'who may read: everyone, user:<id>, group:<name> or role:<name> (repeatable)',
      collect,
    )
    .option('--classification <level>', "a classification the reader's clearance must reach, e.g. internal")
    .option('--no-wait', 'return once the upload is accepted, without waiting for ingestion')
    .option('--interval <ms>', 'how often progress is checked', parsePositiveInteger, 500)
    .action(
      async (
        path: string,
        options: {
          collection: string;
          allow?: string[];
          classification?: string;
          wait: boolean;
          interval: number;
        },
        command: Command,
      ) => {
        const { files, skipped } = await readDocumentFiles(path);
        if (skipped.length > 0)
          write(`Skipping ${skipped.length} file(s) that are not documents: ${skipped.join(', ')}\n`);
        if (files.length === 0) throw new SlipwayError('invalid_request', `no documents found under ${path}`);
        const run = await docsClientFor(context, command, UPLOAD_TIMEOUT_MS).uploadDocuments(
          options.collection,
          {
            files,
            allow: options.allow ?? [],
            classification: options.classification ?? null,
          },
        );
        write(`Ingestion run ${run.id}: ${files.length} document(s) into ${run.collection}\n`);
        if (!options.wait) return;
        const finished = await waitFor(docsClientFor(context, command), run, options.interval);
        if (finished.failed > 0) {
          write(
            `Some documents failed; see their errors with: slipway docs list --collection ${run.collection}\n`,
          );
          context.setExitCode(1);
        }
      },
    );

  docs
    .command('list')
    .description('List the documents of a collection, who may read them and their status')
    .requiredOption('--collection <name>', 'the collection')
    .option('--limit <n>', 'how many', parsePositiveInteger, 100)
    .option('--after <id>', 'list documents after this id')
    .option('--json', 'print the API response as JSON')
    .action(
      async (
        options: { collection: string; limit: number; after?: string; json?: boolean },
        command: Command,
      ) => {
        const response = await docsClientFor(context, command).listDocuments(options.collection, {
          limit: options.limit,
          ...(options.after === undefined ? {} : { after: options.after }),
        });
        if (options.json) return writeJson(write, response);
        write(
          formatTable(
            ['ID', 'TITLE', 'CHUNKS', 'ALLOW', 'CLASSIFICATION', 'STATUS', 'INGESTED'],
            response.data.map((document) => [
              document.id,
              document.title,
              String(document.chunkCount),
              document.allow.join(' '),
              document.classification ?? '-',
              document.status === 'failed' ? `failed: ${document.error ?? ''}` : document.status,
              formatTime(document.ingestedAt),
            ]),
          ),
        );
      },
    );

  docs
    .command('delete')
    .description('Delete a document: every chunk and vector, and its catalog entry')
    .argument('<collection>', 'the collection')
    .argument('<document>', 'the document id (as docs list shows it)')
    .action(async (...args: [string, string, unknown, Command]) => {
      const [collection, id, , command] = args;
      await docsClientFor(context, command).deleteDocument(collection, id);
      write(`Deleted ${collection}/${id}.\n`);
    });

  docs
    .command('set-access')
    .description('Change who may read a document; takes effect on the next search, without re-embedding')
    .argument('<collection>', 'the collection')
    .argument('<document>', 'the document id (as docs list shows it)')
    .option(
      '--allow <who>',
      'who may read: everyone, user:<id>, group:<name> or role:<name> (repeatable)',
      collect,
    )
    .option('--classification <level>', "a classification the reader's clearance must reach")
    .action(async (...args: [string, string, { allow?: string[]; classification?: string }, Command]) => {
      const [collection, id, options, command] = args;
      const result = await docsClientFor(context, command).setAccess(collection, id, {
        allow: options.allow ?? [],
        classification: options.classification ?? null,
      });
      write(
        `${collection}/${id} may now be read by ${result.allow.join(', ')}` +
          `${result.classification === null ? '' : ` (classification ${result.classification})`}.\n`,
      );
    });
}
