import type { PushedFileResult } from '../http/prompt-views.js';
import type { PromptFileError } from '../ports/prompt-folder-reader.js';

function describeError(error: PromptFileError): string {
  const at = error.line === undefined ? error.path : `${error.path}:${error.line}`;
  return `error      ${at}: ${error.field}: ${error.message}`;
}

/**
 * One line per prompt file: `created`/`unchanged` with its version, or each error with the file and the field at
 * fault, then a count. Errors found locally and those the server found read the same.
 * @example formatPushResults([{ path: 'a.yaml', status: 'created', name: 'a', version: 1, contentHash }], [])
 * // 'created    a v1  (a.yaml)\n1 created, 0 unchanged, 0 with errors\n'
 */
export function formatPushResults(
  results: readonly PushedFileResult[],
  localErrors: readonly PromptFileError[],
): string {
  const lines: string[] = [];
  let invalid = new Set(localErrors.map((error) => error.path)).size;
  for (const result of results) {
    if (result.status === 'invalid') {
      invalid += 1;
      for (const error of result.errors)
        lines.push(`error      ${result.path}: ${error.field}: ${error.message}`);
    } else {
      lines.push(`${result.status.padEnd(10)} ${result.name} v${result.version}  (${result.path})`);
    }
  }
  for (const error of localErrors) lines.push(describeError(error));
  const created = results.filter((result) => result.status === 'created').length;
  const unchanged = results.filter((result) => result.status === 'unchanged').length;
  lines.push(`${created} created, ${unchanged} unchanged, ${invalid} with errors`);
  return `${lines.join('\n')}\n`;
}
