import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InteractionRecord } from '../../core/interaction.js';
import { createFileInteractionSpill } from './index.js';

function interaction(id: string): InteractionRecord {
  return {
    id,
    endpoint: 'chat.completions',
    projectId: 'prj_1',
    apiKeyId: 'key_1',
    endUser: null,
    modelRequested: 'gpt-4o-mini',
    target: 'openai/gpt-4o-mini',
    variant: null,
    promptName: null,
    promptVersion: null,
    retrievedDocuments: [],
    batchId: null,
    stream: false,
    status: 'success',
    errorCode: null,
    errorMessage: null,
    request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'line one\nline two' }] },
    response: { choices: [{ message: { role: 'assistant', content: 'ok' } }] },
    promptTokens: 5,
    completionTokens: 1,
    totalTokens: 6,
    costUsd: 0.0001,
    latencyMs: 120,
    ttftMs: null,
    startedAt: 1_700_000_000_000,
    trace: null,
    attempts: [],
  };
}

describe('file interaction spill', () => {
  let dir: string;

  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'slipway-spill-')), 'spill');
  });

  afterEach(async () => {
    await rm(join(dir, '..'), { recursive: true, force: true });
  });

  it('reads back nothing before anything was spilled, without creating the folder', async () => {
    const spill = createFileInteractionSpill({ dir });
    expect(await spill.list()).toEqual([]);
    expect(await spill.count()).toEqual({ batches: 0, records: 0 });
  });

  it('appends batches as JSONL files and reads them back oldest first, records in order', async () => {
    const spill = createFileInteractionSpill({ dir });
    const first = await spill.append([interaction('int_1'), interaction('int_2')]);
    const second = await spill.append([interaction('int_3')]);

    expect(await spill.list()).toEqual([first, second]);
    expect(await spill.read(first)).toEqual([interaction('int_1'), interaction('int_2')]);
    expect(await spill.read(second)).toEqual([interaction('int_3')]);
    expect(await spill.count()).toEqual({ batches: 2, records: 3 });
    expect((await readdir(dir)).sort()).toEqual([`${first}.jsonl`, `${second}.jsonl`]);
  });

  it('sees batches spilled by an earlier process (a new instance on the same folder)', async () => {
    const id = await createFileInteractionSpill({ dir }).append([interaction('int_1')]);
    const later = createFileInteractionSpill({ dir });
    expect(await later.list()).toEqual([id]);
    expect(await later.read(id)).toEqual([interaction('int_1')]);
  });

  it('removes a batch, and removing it again does nothing', async () => {
    const spill = createFileInteractionSpill({ dir });
    const id = await spill.append([interaction('int_1')]);
    await spill.remove(id);
    await spill.remove(id);
    expect(await spill.list()).toEqual([]);
    await expect(spill.read(id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('ignores temporary files left by a crash mid-append', async () => {
    const spill = createFileInteractionSpill({ dir });
    const id = await spill.append([interaction('int_1')]);
    await writeFile(join(dir, '.000001700000000-00000009-deadbeef-n1.tmp'), '{"id":"int_');
    expect(await spill.list()).toEqual([id]);
    expect(await spill.count()).toEqual({ batches: 1, records: 1 });
  });

  it('reports a corrupt batch as internal_error and leaves it in place', async () => {
    const spill = createFileInteractionSpill({ dir });
    const id = await spill.append([interaction('int_1')]);
    await writeFile(join(dir, `${id}.jsonl`), '{"id":"int_1"\n');
    await expect(spill.read(id)).rejects.toMatchObject({ code: 'internal_error' });
    expect(await spill.list()).toEqual([id]);
  });

  it('fails with internal_error when the batch cannot be written', async () => {
    await writeFile(join(dir, '..', 'not-a-folder'), '');
    const spill = createFileInteractionSpill({ dir: join(dir, '..', 'not-a-folder') });
    await expect(spill.append([interaction('int_1')])).rejects.toMatchObject({ code: 'internal_error' });
  });

  it('refuses ids that are not batch ids, so no path outside the folder is touched', async () => {
    const spill = createFileInteractionSpill({ dir });
    await expect(spill.read('../../etc/passwd')).rejects.toMatchObject({ code: 'invalid_request' });
    await expect(spill.remove('../x')).rejects.toMatchObject({ code: 'invalid_request' });
  });
});
