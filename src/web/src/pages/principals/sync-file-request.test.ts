import { describe, expect, it } from 'vitest';
import { safeParseSyncFile } from './sync-file-request.js';

const OPTIONS = { prune: true, dryRun: false };

describe('safeParseSyncFile', () => {
  it('sends a .csv file as text, whatever its case', () => {
    expect(safeParseSyncFile('People.CSV', 'id\nu-1\n', OPTIONS)).toEqual({
      success: true,
      request: { csv: 'id\nu-1\n', prune: true, dryRun: false },
    });
  });

  it('takes a JSON list or { users: [...] }', () => {
    const list = safeParseSyncFile('people.json', '[{"id":"u-1"}]', OPTIONS);
    const wrapped = safeParseSyncFile('people.json', '{"users":[{"id":"u-1"}]}', OPTIONS);
    expect(list).toEqual({ success: true, request: { users: [{ id: 'u-1' }], ...OPTIONS } });
    expect(wrapped).toEqual(list);
  });

  it('refuses text that is not JSON, and JSON without a list of entries', () => {
    expect(safeParseSyncFile('people.txt', 'id,name', OPTIONS)).toEqual({
      success: false,
      message: 'people.txt is neither CSV (by its .csv name) nor valid JSON.',
    });
    expect(safeParseSyncFile('people.json', '{"people":[]}', OPTIONS)).toMatchObject({ success: false });
    expect(safeParseSyncFile('people.json', 'null', OPTIONS)).toMatchObject({ success: false });
  });
});
