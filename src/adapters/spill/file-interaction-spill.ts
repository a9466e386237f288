import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SlipwayError } from '../../core/errors.js';
import type { InteractionRecord } from '../../core/interaction.js';
import type { InteractionSpill } from '../../ports/interaction-spill.js';

/**
 * A batch id is `<ms since epoch, 15 digits>-<sequence in this process, 8 digits>-<8 hex>-n<record count>`, so
 * that ids sort oldest first across restarts, never collide between processes sharing the folder, and the
 * record count is known from the directory listing alone.
 */
const BATCH_ID = /^\d{15}-\d{8}-[0-9a-f]{8}-n(\d+)$/;
const EXTENSION = '.jsonl';

/**
 * One JSONL file per spilled batch in `dir` (created when first needed). A batch is written to a hidden
 * temporary file, fsynced, then renamed into place and the folder fsynced: the rename is what makes a batch
 * exist, so a crash mid-write leaves only a temporary file, which `list` ignores.
 *
 * @example const spill = createFileInteractionSpill({ dir: '.slipway/spill' });
 */
export function createFileInteractionSpill(options: { dir: string }): InteractionSpill {
  const dir = options.dir;
  let sequence = 0;

  function pathOf(id: string): string {
    if (!BATCH_ID.test(id)) throw new SlipwayError('invalid_request', `Not a spilled batch id: ${id}`);
    return join(dir, id + EXTENSION);
  }

  async function listIds(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    return names
      .filter((name) => name.endsWith(EXTENSION))
      .map((name) => name.slice(0, -EXTENSION.length))
      .filter((id) => BATCH_ID.test(id))
      .sort();
  }

  return {
    async append(records) {
      sequence += 1;
      const id = [
        String(Date.now()).padStart(15, '0'),
        String(sequence).padStart(8, '0'),
        randomBytes(4).toString('hex'),
        `n${records.length}`,
      ].join('-');
      const temporary = join(dir, `.${id}.tmp`);
      let text = '';
      for (const record of records) text += JSON.stringify(record) + '\n';
      try {
        await mkdir(dir, { recursive: true });
        await writeDurably(temporary, text);
        await rename(temporary, pathOf(id));
        await syncDirectory(dir);
      } catch (error) {
        // The cleanup can fail for the same reason the write did; the error worth reporting is the first one.
        await rm(temporary, { force: true }).catch(() => undefined);
        throw new SlipwayError('internal_error', `Could not spill ${records.length} interactions to ${dir}`, {
          cause: error,
        });
      }
      return id;
    },

    list: listIds,

    async read(id) {
      let text: string;
      try {
        text = await readFile(pathOf(id), 'utf8');
      } catch (error) {
        if (isMissing(error)) throw new SlipwayError('not_found', `No spilled batch ${id}`, { cause: error });
        throw error;
      }
      const records: InteractionRecord[] = [];
      for (const line of text.split('\n')) {
        if (line === '') continue;
        try {
          records.push(JSON.parse(line) as InteractionRecord);
        } catch (error) {
          throw new SlipwayError('internal_error', `Spilled batch ${id} is unreadable`, { cause: error });
        }
      }
      return records;
    },

    async remove(id) {
      await rm(pathOf(id), { force: true });
    },

    async count() {
      const ids = await listIds();
      let records = 0;
      for (const id of ids) records += Number(BATCH_ID.exec(id)?.[1] ?? 0);
      return { batches: ids.length, records };
    },
  };
}

async function writeDurably(path: string, text: string): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

// Without an fsync of the folder, the rename itself may be lost on power failure even though the file's data
// was synced.
async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
