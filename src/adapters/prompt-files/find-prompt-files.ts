import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PROMPT_FILE_SUFFIXES } from '../../core/prompts/parse-prompt-file.js';

const isPromptFile = (name: string): boolean => PROMPT_FILE_SUFFIXES.some((suffix) => name.endsWith(suffix));

/**
 * Paths (relative, `/`-separated, sorted) of the prompt files under `folder`. Hidden folders (`.git`, `.github`)
 * and `node_modules` are skipped: they hold no prompts and can be large. Symbolic links are not followed, so a
 * link cycle cannot make the walk endless.
 */
export async function findPromptFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  async function visit(relative: string): Promise<void> {
    const entries = await readdir(join(folder, relative), { withFileTypes: true });
    for (const entry of entries) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules') await visit(path);
      } else if (entry.isFile() && isPromptFile(entry.name)) {
        found.push(path);
      }
    }
  }
  await visit('');
  return found.sort();
}
