import { readFile, stat } from 'node:fs/promises';
import { join, posix, resolve } from 'node:path';
import { SlipwayError } from '../../core/errors.js';
import { inlinePromptDatasets } from '../../core/prompts/parse-prompt-dataset.js';
import type { PromptDatasetFile } from '../../core/prompts/parse-prompt-dataset.js';
import { safeParsePromptFile } from '../../core/prompts/parse-prompt-file.js';
import type { PromptIssue } from '../../core/prompts/prompt-issues.js';
import type {
  PromptFileError,
  PromptFileRead,
  PromptFolderRead,
  PromptFolderReader,
} from '../../ports/prompt-folder-reader.js';
import { findPromptFiles } from './find-prompt-files.js';
import { openGitWorkTree } from './git-provenance.js';
import type { GitWorkTree } from './git-provenance.js';

type FileOutcome = { file: PromptFileRead } | { issues: PromptIssue[] };

/** A dataset path relative to its prompt file, as a folder-relative path; null when it leaves the folder. */
function datasetPathOf(promptPath: string, datasetPath: string): string | null {
  const joined = posix.normalize(posix.join(posix.dirname(promptPath), datasetPath));
  return joined.startsWith('../') || joined === '..' || posix.isAbsolute(datasetPath) ? null : joined;
}

async function readOne(folder: string, path: string, workTree: GitWorkTree): Promise<FileOutcome> {
  const parsed = safeParsePromptFile(await readFile(join(folder, path), 'utf8'), { path });
  if (!parsed.success) return { issues: parsed.issues };
  const datasets: PromptDatasetFile[] = [];
  const datasetFiles: string[] = [];
  for (const [index, datasetPath] of parsed.data.datasets.entries()) {
    const field = parsed.data.datasets.length === 1 ? 'dataset' : `dataset[${index}]`;
    const inFolder = datasetPathOf(path, datasetPath);
    if (inFolder === null) {
      return { issues: [{ field, message: `"${datasetPath}" is outside the folder being read` }] };
    }
    try {
      datasets.push({ path: datasetPath, text: await readFile(join(folder, inFolder), 'utf8') });
    } catch (error) {
      const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
      return { issues: [{ field, message: `cannot read "${datasetPath}" (${reason})` }] };
    }
    datasetFiles.push(join(folder, inFolder));
  }
  const inlined = inlinePromptDatasets(parsed.data.definition, datasets);
  if (!inlined.success) return { issues: inlined.issues };
  const provenance = await workTree.provenanceOf([join(folder, path), ...datasetFiles]);
  return {
    file: {
      path,
      definition: inlined.data,
      source: {
        path,
        gitCommit: provenance?.commit ?? null,
        gitAuthor: provenance?.author ?? null,
        gitMessage: provenance?.message ?? null,
      },
      uncommitted: provenance === null,
    },
  };
}

/**
 * Reads every prompt file under a folder, inlining datasets and adding git provenance from the work tree that holds
 * the folder (if any). See the PromptFolderReader port for the contract.
 * @example const { files, errors } = await readPromptFolder('prompts');
 */
export async function readPromptFolder(folder: string): Promise<PromptFolderRead> {
  const root = resolve(folder);
  const info = await stat(root).catch(() => null);
  if (info === null || !info.isDirectory()) {
    throw new SlipwayError('invalid_request', `${folder} is not a folder`, { param: 'path' });
  }
  const workTree = await openGitWorkTree(root);
  const files: PromptFileRead[] = [];
  const errors: PromptFileError[] = [];
  for (const path of await findPromptFiles(root)) {
    const outcome = await readOne(root, path, workTree);
    if ('file' in outcome) files.push(outcome.file);
    else errors.push(...outcome.issues.map((issue) => ({ path, ...issue })));
  }
  const byName = new Map<string, string[]>();
  for (const file of files)
    byName.set(file.definition.name, [...(byName.get(file.definition.name) ?? []), file.path]);
  const clashing = new Set<string>();
  for (const [name, paths] of byName) {
    if (paths.length < 2) continue;
    for (const path of paths) {
      clashing.add(path);
      const others = paths.filter((other) => other !== path).join(', ');
      errors.push({ path, field: 'name', message: `prompt "${name}" is also defined by ${others}` });
    }
  }
  return { files: files.filter((file) => !clashing.has(file.path)), errors };
}

/** The reader the composition root hands out. */
export const filePromptFolderReader: PromptFolderReader = { readPromptFolder };
