import type { PromptDefinition, PromptSource } from '../core/prompt.js';
import type { PromptIssue } from '../core/prompts/prompt-issues.js';

/** One prompt file read from a folder, valid, its datasets inlined. */
export interface PromptFileRead {
  /** Relative to the folder read, with `/` separators. */
  path: string;
  definition: PromptDefinition;
  /** The git commit, author and message are set only when that commit holds exactly this content. */
  source: PromptSource;
  /**
   * True when the file or one of its datasets differs from the git HEAD (modified, staged or untracked), or the
   * folder is in no git work tree: then the source names no commit.
   */
  uncommitted: boolean;
}

/** One problem with one file; a file with problems is left out of `files`. */
export type PromptFileError = PromptIssue & { path: string };

export interface PromptFolderRead {
  /** Sorted by path. */
  files: PromptFileRead[];
  errors: PromptFileError[];
}

/**
 * Reads every prompt file (`*.prompt.yaml`, `*.prompt.yml`) under a folder, recursively, with its git provenance.
 *
 * Contract: never throws for a bad file (it becomes an error entry naming the file, field and line); throws
 * `invalid_request` (param `path`) when the folder does not exist or is not a folder. Two files giving the same
 * prompt name are both errors. Reads the git repository with a library, never by running git.
 * @example const { files, errors } = await reader.readPromptFolder('prompts');
 */
export interface PromptFolderReader {
  readPromptFolder(folder: string): Promise<PromptFolderRead>;
}
