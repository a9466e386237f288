import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { SlipwayError } from '../core/errors.js';
import type { UploadFile } from './docs-client.js';

/** What `docs ingest` uploads from a folder; other files there are skipped (and counted). */
const DOCUMENT_EXTENSIONS = new Set([
  '.txt',
  '.text',
  '.md',
  '.markdown',
  '.html',
  '.htm',
  '.xhtml',
  '.pdf',
  '.docx',
]);

const extensionOf = (name: string) => {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot).toLowerCase();
};

/**
 * The files to upload from a path: the file itself (named by its base name), or every document file under a
 * folder, recursively, in name order, each named by its path relative to the folder with `/` separators (so the
 * same tree uploaded again keeps its document ids). Hidden files and folders are skipped.
 * @example const { files, skipped } = await readDocumentFiles('./handbook');
 */
export async function readDocumentFiles(path: string): Promise<{ files: UploadFile[]; skipped: string[] }> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new SlipwayError('invalid_request', `cannot read ${path}: ${(error as Error).message}`);
  }
  if (info.isFile()) return { files: [{ name: basename(path), content: await readFile(path) }], skipped: [] };
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  const files: UploadFile[] = [];
  const skipped: string[] = [];
  const names = entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(path, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((name) => !name.split('/').some((part) => part.startsWith('.')))
    .sort();
  for (const name of names) {
    if (!DOCUMENT_EXTENSIONS.has(extensionOf(name))) {
      skipped.push(name);
      continue;
    }
    files.push({ name, content: await readFile(join(path, name)) });
  }
  return { files, skipped };
}
