import * as fs from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import git from 'isomorphic-git';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readPromptFolder } from './read-prompt-folder.js';

const TRIAGE = `model: chat-default
messages:
  - { role: user, content: "Sort: {{ticket}}" }
variables: { type: object, required: [ticket], properties: { ticket: { type: string } } }
tests:
  - { name: inline, variables: { ticket: a }, assert: [{ type: contains, value: queue }] }
dataset: cases.jsonl
`;
const CASES =
  '{"name":"from-dataset","variables":{"ticket":"b"},"assert":[{"type":"max-length","value":500}]}\n\n';
const author = { name: 'Ada', email: 'ada@example.com' };

describe('readPromptFolder', () => {
  let root: string;

  const write = async (path: string, text: string): Promise<void> => {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  };
  const commit = async (message: string, paths: string[]): Promise<string> => {
    for (const filepath of paths) await git.add({ fs, dir: root, filepath });
    return git.commit({ fs, dir: root, message, author });
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'slipway-prompts-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('reads prompt files recursively, inlines datasets, and skips hidden folders and other files', async () => {
    await write('prompts/support/triage.prompt.yaml', TRIAGE);
    await write('prompts/support/cases.jsonl', CASES);
    await write('prompts/hello.prompt.yml', 'model: m\nmessages: [{ role: user, content: hi }]\n');
    await write('prompts/.hidden/x.prompt.yaml', 'not: valid');
    await write('prompts/readme.md', '# prompts');
    const { files, errors } = await readPromptFolder(join(root, 'prompts'));
    expect(errors).toEqual([]);
    expect(files.map((file) => [file.path, file.definition.name, file.uncommitted])).toEqual([
      ['hello.prompt.yml', 'hello', true],
      ['support/triage.prompt.yaml', 'support/triage', true],
    ]);
    expect(files[1]?.definition.tests.map((test) => test.name)).toEqual(['inline', 'from-dataset']);
    expect(files[1]?.source).toEqual({
      path: 'support/triage.prompt.yaml',
      gitCommit: null,
      gitAuthor: null,
      gitMessage: null,
    });
  });

  it('records the last commit that touched a committed file, and none for a changed one', async () => {
    await git.init({ fs, dir: root });
    await write('prompts/support/triage.prompt.yaml', TRIAGE);
    await write('prompts/support/cases.jsonl', CASES);
    await write('prompts/other.prompt.yaml', 'model: m\nmessages: [{ role: user, content: hi }]\n');
    const first = await commit('Add prompts\n\nWith tests.', [
      'prompts/support/triage.prompt.yaml',
      'prompts/support/cases.jsonl',
      'prompts/other.prompt.yaml',
    ]);
    await write('prompts/other.prompt.yaml', 'model: m2\nmessages: [{ role: user, content: hi }]\n');
    const second = await commit('Tune other', ['prompts/other.prompt.yaml']);
    let read = await readPromptFolder(join(root, 'prompts'));
    expect(read.files.map((file) => [file.path, file.source.gitCommit, file.uncommitted])).toEqual([
      ['other.prompt.yaml', second, false],
      ['support/triage.prompt.yaml', first, false],
    ]);
    expect(read.files[1]?.source).toMatchObject({
      gitAuthor: 'Ada <ada@example.com>',
      gitMessage: 'Add prompts\n\nWith tests.',
    });

    // A changed dataset makes its prompt uncommitted too: no commit holds that content.
    await write('prompts/support/cases.jsonl', CASES.replace('"b"', '"c"'));
    read = await readPromptFolder(join(root, 'prompts'));
    expect(read.files.map((file) => [file.path, file.source.gitCommit, file.uncommitted])).toEqual([
      ['other.prompt.yaml', second, false],
      ['support/triage.prompt.yaml', null, true],
    ]);
  });

  it('treats a repository without commits as uncommitted', async () => {
    await git.init({ fs, dir: root });
    await write('a.prompt.yaml', 'model: m\nmessages: [{ role: user, content: hi }]\n');
    const { files } = await readPromptFolder(root);
    expect(files.map((file) => file.uncommitted)).toEqual([true]);
  });

  it('reports bad files, bad datasets and clashing names as errors naming file, field and line', async () => {
    await write('broken.prompt.yaml', 'model: m\nmessages:\n  - role: robot\n    content: hi\n');
    await write('a.prompt.yaml', 'model: m\nmessages: [{ role: user, content: hi }]\n');
    await write('a.prompt.yml', 'model: m\nmessages: [{ role: user, content: hi }]\n');
    await write(
      'missing.prompt.yaml',
      'model: m\nmessages: [{ role: user, content: hi }]\ndataset: nope.jsonl\n',
    );
    await write(
      'outside.prompt.yaml',
      'model: m\nmessages: [{ role: user, content: hi }]\ndataset: ../x.jsonl\n',
    );
    await write(
      'lines.prompt.yaml',
      'model: m\nmessages: [{ role: user, content: "{{x}}" }]\ndataset: lines.jsonl\n',
    );
    await write(
      'lines.jsonl',
      '{"name":"ok","variables":{"x":1}}\nnot json\n{"name":"t","variables":{}, "assert": [{"type":"nope"}]}\n',
    );
    const { files, errors } = await readPromptFolder(root);
    expect(files).toEqual([]);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'broken.prompt.yaml', field: 'messages[0].role', line: 3 }),
        expect.objectContaining({
          path: 'a.prompt.yaml',
          field: 'name',
          message: 'prompt "a" is also defined by a.prompt.yml',
        }),
        expect.objectContaining({ path: 'a.prompt.yml', field: 'name' }),
        expect.objectContaining({
          path: 'missing.prompt.yaml',
          field: 'dataset',
          message: 'cannot read "nope.jsonl" (ENOENT)',
        }),
        expect.objectContaining({
          path: 'outside.prompt.yaml',
          message: '"../x.jsonl" is outside the folder being read',
        }),
        expect.objectContaining({ path: 'lines.prompt.yaml', field: 'lines.jsonl', line: 2 }),
        expect.objectContaining({ path: 'lines.prompt.yaml', field: 'lines.jsonl assert[0].type', line: 3 }),
      ]),
    );
  });

  it('refuses a path that is not a folder', async () => {
    await write('file.txt', 'x');
    await expect(readPromptFolder(join(root, 'file.txt'))).rejects.toMatchObject({
      code: 'invalid_request',
      param: 'path',
    });
    await expect(readPromptFolder(join(root, 'absent'))).rejects.toMatchObject({ code: 'invalid_request' });
  });
});
