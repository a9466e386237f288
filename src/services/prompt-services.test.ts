import { beforeEach, describe, expect, it } from 'vitest';
import { aPromptDefinition } from '../../test/contract/prompt-fixtures.js';
import { InMemoryPromptRegistry } from '../../test/doubles/in-memory-prompt-registry.js';
import { ManualClock } from '../../test/doubles/manual-clock.js';
import { SeededRandom } from '../../test/doubles/seeded-random.js';
import { makeDiffPromptVersions } from './diff-prompt-versions.js';
import { makeMovePromptLabel } from './move-prompt-label.js';
import type { MovePromptLabelInput } from './move-prompt-label.js';
import type { PromptActor } from './prompt-actor.js';
import { makePushPrompts } from './push-prompts.js';
import type { PushPromptFile } from './push-prompts.js';
import type { AuditEntry } from './record-audit.js';
import { makeResolvePrompt } from './resolve-prompt.js';
import { makeRollbackPromptLabel } from './rollback-prompt-label.js';

const admin: PromptActor = {
  kind: 'user',
  id: 'usr_1',
  role: 'admin',
  projectScope: null,
  label: 'ada@example.com',
};
const developer: PromptActor = { ...admin, id: 'usr_2', role: 'developer', label: 'dev@example.com' };
const stringHash = (text: string): string =>
  [...text].reduce((hash, char) => (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0, 7).toString(16);
const source = { gitCommit: 'c0ffee', gitAuthor: 'Ada <ada@example.com>', gitMessage: 'Tune' };

const aFile = (description: string, overrides: Partial<PushPromptFile> = {}): PushPromptFile => ({
  path: 'support/triage.prompt.yaml',
  definition: aPromptDefinition({ description }),
  source,
  ...overrides,
});

describe('prompt services', () => {
  let registry: InMemoryPromptRegistry;
  let clock: ManualClock;
  let audited: AuditEntry[];
  let push: ReturnType<typeof makePushPrompts>;
  let moveLabel: ReturnType<typeof makeMovePromptLabel>;
  let rollback: ReturnType<typeof makeRollbackPromptLabel>;
  let resolve: ReturnType<typeof makeResolvePrompt>;

  const promote = (toVersion: number, overrides: Partial<MovePromptLabelInput> = {}) =>
    moveLabel({
      name: 'support/triage',
      label: 'production',
      toVersion,
      actor: admin,
      reason: null,
      testRunId: 'ptr_1',
      override: false,
      kind: 'promote',
      ...overrides,
    });

  beforeEach(() => {
    registry = new InMemoryPromptRegistry();
    clock = new ManualClock();
    audited = [];
    const recordAudit = (entry: AuditEntry) => {
      audited.push(entry);
      return Promise.resolve();
    };
    // A stand-in for SHA-256 (a string hash): the services only pass the digest through.
    push = makePushPrompts({
      registry,
      hasher: { digest: stringHash },
      clock,
      recordAudit,
    });
    moveLabel = makeMovePromptLabel({
      registry,
      clock,
      random: new SeededRandom(),
      recordAudit,
      protectedLabels: ['production'],
    });
    rollback = makeRollbackPromptLabel({ registry, moveLabel });
    resolve = makeResolvePrompt({ registry });
  });

  describe('push', () => {
    it('creates a version per changed file, nothing for unchanged content, and audits what it created', async () => {
      const first = await push([aFile('one')], admin);
      clock.advance(1000);
      const again = await push(
        [
          aFile('one'),
          aFile('two', { path: 'other.prompt.yaml', definition: aPromptDefinition({ name: 'other' }) }),
        ],
        developer,
      );
      expect(first).toEqual([
        {
          path: 'support/triage.prompt.yaml',
          status: 'created',
          name: 'support/triage',
          version: 1,
          contentHash: expect.stringMatching(/^sha256:[0-9a-f]+$/),
        },
      ]);
      expect(again.map((result) => [result.status, 'version' in result ? result.version : null])).toEqual([
        ['unchanged', 1],
        ['created', 1],
      ]);
      expect(registry.versions[0]).toMatchObject({
        createdBy: 'user:usr_1',
        createdAt: clock.now() - 1000,
        source: { path: 'support/triage.prompt.yaml', ...source },
      });
      expect(audited.map((entry) => [entry.action, entry.target, entry.actor.label])).toEqual([
        ['prompt.push', 'support/triage', 'ada@example.com'],
        ['prompt.push', 'other', 'dev@example.com'],
      ]);
    });

    it('reports invalid definitions and a name pushed twice, and pushes the rest', async () => {
      const results = await push(
        [
          aFile('bad', { definition: { ...aPromptDefinition(), model: '' } }),
          aFile('one'),
          aFile('two', { path: 'copy.prompt.yaml' }),
        ],
        admin,
      );
      expect(results).toEqual([
        {
          path: 'support/triage.prompt.yaml',
          status: 'invalid',
          errors: [expect.objectContaining({ field: 'model' })],
        },
        expect.objectContaining({ status: 'created', version: 1 }),
        {
          path: 'copy.prompt.yaml',
          status: 'invalid',
          errors: [
            {
              field: 'name',
              message: 'prompt "support/triage" is also in support/triage.prompt.yaml in this push',
            },
          ],
        },
      ]);
      expect(registry.versions).toHaveLength(1);
    });
  });

  describe('resolve', () => {
    it('finds by label (production by default) or number, and says what is missing', async () => {
      await push([aFile('one')], admin);
      await push([aFile('two')], admin);
      await promote(1);
      await expect(resolve('support/triage')).resolves.toMatchObject({ version: 1 });
      await expect(resolve('support/triage', { label: 'latest' })).resolves.toMatchObject({ version: 2 });
      await expect(resolve('support/triage', { version: 2 })).resolves.toMatchObject({ version: 2 });
      await expect(resolve('support/triage', { label: 'staging' })).rejects.toMatchObject({
        code: 'not_found',
        param: 'prompt',
        message: 'Prompt "support/triage" has no label "staging"',
      });
      await expect(resolve('nobody', { version: 3 })).rejects.toMatchObject({
        code: 'not_found',
        message: 'No prompt named "nobody" (looked for version 3)',
      });
    });
  });

  describe('move label', () => {
    beforeEach(async () => {
      await push([aFile('one')], admin);
      await push([aFile('two')], admin);
    });

    it('moves a label, records the move with who and why, and audits it', async () => {
      const move = await promote(1, { reason: 'tests pass' });
      expect(move).toEqual({
        id: 'plm_000001',
        name: 'support/triage',
        label: 'production',
        fromVersion: null,
        toVersion: 1,
        at: clock.now(),
        actor: 'user:usr_1',
        reason: 'tests pass',
        testRunId: 'ptr_1',
        override: false,
        kind: 'promote',
      });
      expect(audited.at(-1)).toEqual({
        actor: { kind: 'user', id: 'usr_1', label: 'ada@example.com' },
        action: 'prompt.label_move',
        target: 'support/triage',
        detail: {
          label: 'production',
          from: null,
          to: 1,
          reason: 'tests pass',
          testRunId: 'ptr_1',
          override: false,
          kind: 'promote',
        },
      });
    });

    it('applies the label rules: latest, bad names, protected labels, viewers', async () => {
      await expect(promote(1, { label: 'latest' })).rejects.toMatchObject({
        code: 'invalid_request',
        param: 'label',
      });
      await expect(promote(1, { label: 'Prod' })).rejects.toMatchObject({ code: 'invalid_request' });
      await expect(promote(1, { actor: developer })).rejects.toMatchObject({
        code: 'forbidden',
        message: 'The "production" label can be moved by only admins',
      });
      await expect(promote(1, { actor: developer, label: 'staging' })).resolves.toMatchObject({
        toVersion: 1,
      });
      await expect(
        promote(1, { actor: { ...developer, role: 'viewer' }, label: 'staging' }),
      ).rejects.toMatchObject({
        code: 'forbidden',
      });
      expect(registry.moveRequests).toHaveLength(1);
    });

    it('refuses a move to where the label already points, and one from a version it no longer points at', async () => {
      await promote(1);
      await expect(promote(1)).rejects.toMatchObject({ code: 'conflict' });
      await expect(promote(2, { expectedFromVersion: 2 })).rejects.toMatchObject({ code: 'conflict' });
    });
  });

  describe('rollback', () => {
    beforeEach(async () => {
      await push([aFile('one')], admin);
      await push([aFile('two')], admin);
    });

    it('moves the label back to where it pointed before its last move, as a rollback', async () => {
      await promote(1);
      await promote(2);
      const move = await rollback({
        name: 'support/triage',
        label: 'production',
        actor: admin,
        reason: 'worse',
      });
      expect(move).toMatchObject({
        fromVersion: 2,
        toVersion: 1,
        kind: 'rollback',
        reason: 'worse',
        testRunId: null,
      });
      await expect(resolve('support/triage')).resolves.toMatchObject({ version: 1 });
      await expect(
        rollback({ name: 'support/triage', label: 'production', actor: admin }),
      ).resolves.toMatchObject({
        toVersion: 2,
      });
    });

    it('refuses when there is nothing to go back to, and for roles that may not move the label', async () => {
      await expect(
        rollback({ name: 'support/triage', label: 'production', actor: admin }),
      ).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringContaining('has never moved'),
      });
      await promote(1);
      await expect(
        rollback({ name: 'support/triage', label: 'production', actor: admin }),
      ).rejects.toMatchObject({
        code: 'conflict',
        message: expect.stringContaining('pointed at no version before version 1'),
      });
      await promote(2);
      await expect(
        rollback({ name: 'support/triage', label: 'production', actor: developer }),
      ).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(rollback({ name: 'support/triage', label: 'latest', actor: admin })).rejects.toMatchObject(
        {
          code: 'invalid_request',
        },
      );
    });
  });

  describe('diff', () => {
    it('compares two versions chosen by label or number, with a unified text', async () => {
      await push([aFile('one')], admin);
      await push(
        [
          aFile('one', {
            definition: aPromptDefinition({
              description: 'one',
              model: 'chat-large',
              messages: [
                { role: 'system', content: 'You sort support tickets for {{company}}.\nBe brief.' },
                { role: 'user', content: '{{ticket}}' },
              ],
            }),
          }),
        ],
        admin,
      );
      await promote(1);
      const diff = await makeDiffPromptVersions({ resolve })(
        'support/triage',
        { label: 'production' },
        { version: 2 },
      );
      expect(diff).toMatchObject({
        name: 'support/triage',
        from: { version: 1 },
        to: { version: 2 },
        identical: false,
      });
      expect(diff.fields).toEqual([
        { path: 'model', change: 'changed', from: 'chat-default', to: 'chat-large' },
      ]);
      expect(diff.text).toBe(
        [
          '--- support/triage@1',
          '+++ support/triage@2',
          '- model: "chat-default"',
          '+ model: "chat-large"',
          'messages[0] (system), changed:',
          '@@ -1,1 +1,2 @@',
          ' You sort support tickets for {{company}}.',
          '+Be brief.',
          '',
        ].join('\n'),
      );
      await expect(
        makeDiffPromptVersions({ resolve })('support/triage', { version: 1 }, { version: 9 }),
      ).rejects.toMatchObject({
        code: 'not_found',
      });
    });
  });
});
