import type { FilePurpose, FileRecord } from '../core/batch.js';
import { SlipwayError } from '../core/errors.js';
import type { Caller } from '../core/identity.js';
import { safeParseJsonlUpload } from '../core/jsonl-upload.js';
import type { BatchStore } from '../ports/batch-store.js';
import type { Clock } from '../ports/clock.js';
import type { Random } from '../ports/random.js';
import { newFileId } from './batch-ids.js';

export interface FileManagementDeps {
  store: Pick<BatchStore, 'insertFile' | 'getFile' | 'listFiles' | 'readFileLines' | 'deleteFile'>;
  clock: Clock;
  random: Random;
  limits: { maxFileBytes: number; maxFileLines: number };
}

export interface FileUpload {
  caller: Caller;
  filename: string;
  purpose: string;
  content: Uint8Array;
}

const LINES_PER_READ = 1_000;

/** A page of files and whether another follows, as OpenAI lists them. */
export interface FilePage {
  data: FileRecord[];
  hasMore: boolean;
}

/**
 * The `/v1/files` use cases. A key sees only its project's files. An upload is checked line by line at once: a
 * file with lines that are not JSON objects is refused, naming them (up to 20), rather than accepted and failed
 * later as OpenAI does, because the uploader is there to fix it now.
 * @example const file = await files.uploadFile({ caller, filename: 'requests.jsonl', purpose: 'batch', content });
 */
export function makeFileManagement(deps: FileManagementDeps) {
  async function ownedFile(caller: Caller, id: string): Promise<FileRecord> {
    const file = await deps.store.getFile(id);
    // Another project's file is reported as missing: its existence is not the caller's business.
    if (file === null || file.projectId !== caller.projectId) {
      throw new SlipwayError('not_found', `No such file: ${id}`, { param: 'file_id' });
    }
    return file;
  }

  async function uploadFile(upload: FileUpload): Promise<FileRecord> {
    if (upload.purpose !== 'batch') {
      throw new SlipwayError(
        'invalid_request',
        `Unsupported purpose '${upload.purpose}': Slipway accepts files for purposes 'batch', 'assistants' and 'user_data'.`,
        { param: 'purpose' },
      );
    }
    if (upload.content.byteLength > deps.limits.maxFileBytes) {
      throw new SlipwayError(
        'payload_too_large',
        `The file is larger than ${deps.limits.maxFileBytes} bytes.`,
        {
          param: 'file',
        },
      );
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(upload.content);
    } catch (error) {
      throw new SlipwayError('invalid_request', 'The file is not UTF-8 text.', {
        param: 'file',
        cause: error,
      });
    }
    const parsed = safeParseJsonlUpload(text);
    if (!parsed.ok) {
      const listed = parsed.errors.map((error) => `line ${error.line}: ${error.message}`).join('; ');
      const more =
        parsed.errorCount > parsed.errors.length
          ? ` (and ${parsed.errorCount - parsed.errors.length} more)`
          : '';
      throw new SlipwayError('invalid_request', `The file is not valid JSONL: ${listed}${more}.`, {
        param: 'file',
      });
    }
    if (parsed.lines.length > deps.limits.maxFileLines) {
      throw new SlipwayError(
        'invalid_request',
        `The file has ${parsed.lines.length} requests; a batch takes at most ${deps.limits.maxFileLines}.`,
        { param: 'file' },
      );
    }
    const file: FileRecord = {
      id: newFileId(deps.random),
      projectId: upload.caller.projectId,
      apiKeyId: upload.caller.keyId,
      purpose: 'batch',
      filename: upload.filename,
      bytes: upload.content.byteLength,
      lineCount: parsed.lines.length,
      createdAt: deps.clock.now(),
      expiresAt: null,
    };
    await deps.store.insertFile(file, parsed.lines);
    return file;
  }

  async function listFiles(
    caller: Caller,
    query: { purpose?: FilePurpose; after?: string; limit: number },
  ): Promise<FilePage> {
    const rows = await deps.store.listFiles({
      ...query,
      projectId: caller.projectId,
      limit: query.limit + 1,
    });
    return { data: rows.slice(0, query.limit), hasMore: rows.length > query.limit };
  }

  /** The file's content as it was stored: its non-blank lines, each ending with a newline. */
  async function* readContent(id: string): AsyncGenerator<string> {
    let afterLine = 0;
    for (;;) {
      const lines = await deps.store.readFileLines({ fileId: id, afterLine, limit: LINES_PER_READ });
      if (lines.length === 0) return;
      yield lines.map((line) => `${line.text}\n`).join('');
      afterLine = lines.at(-1)?.lineNo ?? afterLine;
    }
  }

  async function deleteFile(caller: Caller, id: string): Promise<{ id: string; deleted: boolean }> {
    await ownedFile(caller, id);
    return { id, deleted: await deps.store.deleteFile(id) };
  }

  return {
    limits: deps.limits,
    uploadFile,
    listFiles,
    getFile: ownedFile,
    /** Checks ownership first, so that a missing file fails before any byte is sent. */
    async openFileContent(
      caller: Caller,
      id: string,
    ): Promise<{ file: FileRecord; content: AsyncIterable<string> }> {
      const file = await ownedFile(caller, id);
      return { file, content: readContent(id) };
    },
    deleteFile,
  };
}

export type FileManagement = ReturnType<typeof makeFileManagement>;
