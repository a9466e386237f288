import { filePromptFolderReader } from '../adapters/prompt-files/index.js';
import type { PromptFolderRead } from '../ports/prompt-folder-reader.js';

/**
 * Reads a folder of prompt files with their git provenance, for the CLI (which may not import adapters). Bad files
 * come back as errors naming file, field and line; throws `invalid_request` only when `path` is not a folder.
 * @example const { files, errors } = await readPromptFolder('prompts');
 */
export function readPromptFolder(path: string): Promise<PromptFolderRead> {
  return filePromptFolderReader.readPromptFolder(path);
}
