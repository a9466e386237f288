import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { type Command, Option } from 'commander';
import { SlipwayError } from '../core/errors.js';
import { BatchClient, type BatchObject } from './batch-client.js';
import type { CommandContext } from './command-context.js';
import { formatTable } from './format-table.js';
import { formatTime, writeJson } from './format-values.js';
import { parsePositiveInteger } from './option-parsers.js';

const FINISHED = new Set(['completed', 'failed', 'expired', 'cancelled']);
/** Uploads may be large; other requests keep the usual budget. */
const UPLOAD_TIMEOUT_MS = 120_000;
const REQUEST_TIMEOUT_MS = 10_000;

/** `3/10 done, 1 failed`: the progress of a batch in one line. */
function progressOf(batch: BatchObject): string {
  const counts = batch.request_counts;
  const done = counts.completed + counts.failed;
  return `${done}/${counts.total} done, ${counts.failed} failed`;
}

function describeBatch(batch: BatchObject): string {
  const lines = [
    `id:        ${batch.id}`,
    `status:    ${batch.status}`,
    `endpoint:  ${batch.endpoint}`,
    `progress:  ${progressOf(batch)}`,
    `created:   ${formatTime(batch.created_at * 1000)}`,
    `completed: ${formatTime(batch.completed_at === null ? null : batch.completed_at * 1000)}`,
    `input:     ${batch.input_file_id}`,
    `output:    ${batch.output_file_id ?? '-'}`,
    `errors:    ${batch.error_file_id ?? '-'}`,
    ...(batch.errors?.data ?? []).map((error) => `  ${error.code}: ${error.message}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** `KEY=VALUE` → a metadata pair. */
function parseMetadata(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const split = value.indexOf('=');
  if (split <= 0) throw new SlipwayError('invalid_request', `Expected KEY=VALUE, got '${value}'.`);
  return { ...previous, [value.slice(0, split)]: value.slice(split + 1) };
}

/**
 * `slipway batches submit|status|list|cancel|results`: the OpenAI Batch API of a running server. `submit --wait`
 * prints the progress each time it changes and exits non-zero unless the batch completes.
 */
export function registerBatchesCommand(program: Command, context: CommandContext): void {
  const write = (text: string) => context.io.writeOut(text);
  const clientFor = (command: Command, timeoutMs = REQUEST_TIMEOUT_MS) => {
    const global = command.optsWithGlobals<{ url?: string; token?: string }>();
    return new BatchClient({
      url: global.url ?? context.io.settings.url,
      token: global.token ?? context.io.settings.token,
      timeoutMs,
    });
  };
  const batches = program
    .command('batches')
    .description('Submit batches of requests and fetch their results');

  async function waitFor(client: BatchClient, batch: BatchObject, intervalMs: number): Promise<BatchObject> {
    let current = batch;
    let shown = '';
    for (;;) {
      const line = `${current.status}  ${progressOf(current)}`;
      if (line !== shown) write(`${line}\n`);
      shown = line;
      if (FINISHED.has(current.status)) return current;
      await delay(intervalMs);
      current = await client.getBatch(current.id);
    }
  }

  batches
    .command('submit')
    .description('Upload a JSONL file of requests and start a batch on it')
    .argument('<file>', 'JSONL file, one request per line ({"custom_id", "method", "url", "body"})')
    .addOption(
      new Option('--endpoint <path>', 'the endpoint every line calls')
        .choices(['/v1/chat/completions', '/v1/embeddings'])
        .default('/v1/chat/completions'),
    )
    .option('--metadata <key=value>', 'a metadata pair (repeatable)', parseMetadata)
    .option('--wait', 'wait for the batch to finish, showing its progress')
    .option('--interval <ms>', 'how often --wait checks', parsePositiveInteger, 1_000)
    .action(
      async (
        path: string,
        options: { endpoint: string; metadata?: Record<string, string>; wait?: boolean; interval: number },
        command: Command,
      ) => {
        let content: Buffer;
        try {
          content = await readFile(path);
        } catch (error) {
          throw new SlipwayError('invalid_request', `cannot read ${path}: ${(error as Error).message}`);
        }
        const file = await clientFor(command, UPLOAD_TIMEOUT_MS).uploadFile(basename(path), content);
        const client = clientFor(command);
        const batch = await client.createBatch({
          input_file_id: file.id,
          endpoint: options.endpoint,
          ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
        });
        write(`${batch.id}\n`);
        if (!options.wait) return;
        const finished = await waitFor(client, batch, options.interval);
        if (finished.status !== 'completed') context.setExitCode(1);
      },
    );

  batches
    .command('status')
    .description("Show a batch's status and progress")
    .argument('<id>', 'batch id')
    .option('--json', 'print the API response as JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const batch = await clientFor(command).getBatch(id);
      if (options.json) return writeJson(write, batch);
      write(describeBatch(batch));
    });

  batches
    .command('list')
    .description("List the token's project's batches, newest first")
    .option('--limit <n>', 'how many', parsePositiveInteger, 20)
    .option('--json', 'print the API response as JSON')
    .action(async (options: { limit: number; json?: boolean }, command: Command) => {
      const page = await clientFor(command).listBatches(options.limit);
      if (options.json) return writeJson(write, page);
      write(
        formatTable(
          ['ID', 'STATUS', 'ENDPOINT', 'PROGRESS', 'CREATED'],
          page.data.map((batch) => [
            batch.id,
            batch.status,
            batch.endpoint,
            progressOf(batch),
            formatTime(batch.created_at * 1000),
          ]),
        ),
      );
    });

  batches
    .command('cancel')
    .description('Cancel a batch: lines not yet run are skipped')
    .argument('<id>', 'batch id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const batch = await clientFor(command).cancelBatch(id);
      write(`${batch.id}  ${batch.status}  ${progressOf(batch)}\n`);
    });

  batches
    .command('results')
    .description("Print a batch's output file (or its error file), one JSON line per request")
    .argument('<id>', 'batch id')
    .option('--errors', 'the error file rather than the output file')
    .option('-o, --output <file>', 'write to this file rather than standard output')
    .action(async (id: string, options: { errors?: boolean; output?: string }, command: Command) => {
      const client = clientFor(command, UPLOAD_TIMEOUT_MS);
      const batch = await client.getBatch(id);
      const fileId = options.errors ? batch.error_file_id : batch.output_file_id;
      if (fileId === null) {
        const which = options.errors ? 'error' : 'output';
        const why = FINISHED.has(batch.status) ? 'none was written' : `it is ${batch.status}`;
        throw new SlipwayError('not_found', `Batch ${id} has no ${which} file (${why}).`);
      }
      const content = await client.fileContent(fileId);
      if (options.output === undefined) write(content);
      else await writeFile(options.output, content);
    });
}
