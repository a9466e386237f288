import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PromptLabelMove } from '../../src/core/prompt.js';
import type { LabelMoveRequest } from '../../src/ports/prompt-registry.js';
import type { Store } from '../../src/ports/store.js';
import { aNewPromptVersion, aPromptSource, aPromptTestRun } from './prompt-fixtures.js';
import { T0 } from './store-fixtures.js';

const NAME = 'support/triage';

const aMove = (overrides: Partial<LabelMoveRequest> = {}): LabelMoveRequest => ({
  name: NAME,
  label: 'production',
  toVersion: 1,
  expectedFromVersion: null,
  move: {
    id: 'plm_1',
    at: T0 + 100,
    actor: 'user:usr_1',
    reason: 'tests pass',
    testRunId: 'ptr_1',
    override: false,
    kind: 'promote',
  },
  ...overrides,
});

/**
 * The PromptRegistry contract (src/ports/prompt-registry.ts), run against every storage adapter. `open` must
 * return a fresh, empty, migrated store each time.
 */
export function describePromptRegistryContract(name: string, open: () => Promise<Store>): void {
  describe(`${name}: prompt registry`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
    });

    describe('versions', () => {
      it('numbers versions from 1, moves latest to each, and finds them by number, hash and label', async () => {
        const first = await store.addVersion(aNewPromptVersion(1));
        const second = await store.addVersion(aNewPromptVersion(2));
        expect(first.created).toBe(true);
        expect(second.created).toBe(true);
        expect([first.version.version, second.version.version]).toEqual([1, 2]);
        expect(second.version).toEqual({
          name: NAME,
          version: 2,
          contentHash: aNewPromptVersion(2).contentHash,
          definition: aNewPromptVersion(2).definition,
          source: aPromptSource(),
          createdAt: T0 + 2,
          createdBy: 'user:usr_1',
        });
        await expect(store.getVersion(NAME, { version: 1 })).resolves.toEqual(first.version);
        await expect(
          store.getVersion(NAME, { contentHash: aNewPromptVersion(2).contentHash }),
        ).resolves.toEqual(second.version);
        await expect(store.getLabelled(NAME, 'latest')).resolves.toEqual(second.version);
        await expect(store.getLabels(NAME)).resolves.toEqual({ latest: 2 });
      });

      it('creates nothing for content the prompt already has, even an older version', async () => {
        await store.addVersion(aNewPromptVersion(1));
        await store.addVersion(aNewPromptVersion(2));
        const again = await store.addVersion(aNewPromptVersion(2, { createdAt: T0 + 50 }));
        const older = await store.addVersion(aNewPromptVersion(1, { createdAt: T0 + 60 }));
        expect(again).toMatchObject({ created: false, version: { version: 2, createdAt: T0 + 2 } });
        expect(older).toMatchObject({ created: false, version: { version: 1 } });
        expect((await store.listVersions(NAME)).map((version) => version.version)).toEqual([2, 1]);
        await expect(store.getLabels(NAME)).resolves.toEqual({ latest: 2 });
      });

      it('gives concurrent pushes of different content distinct numbers', async () => {
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, index) => store.addVersion(aNewPromptVersion(index + 1))),
        );
        expect(results.map((result) => result.version.version).sort()).toEqual([1, 2, 3, 4, 5, 6]);
        const latest = Math.max(...results.map((result) => result.version.version));
        await expect(store.getLabels(NAME)).resolves.toEqual({ latest });
      });

      it('returns null or empty for what does not exist, and keeps names apart', async () => {
        await store.addVersion(aNewPromptVersion(1));
        const other = aNewPromptVersion(1);
        await store.addVersion({ ...other, definition: { ...other.definition, name: 'other' } });
        await expect(store.getVersion(NAME, { version: 9 })).resolves.toBeNull();
        await expect(store.getVersion('nobody', { version: 1 })).resolves.toBeNull();
        await expect(store.getLabelled(NAME, 'production')).resolves.toBeNull();
        await expect(store.getLabels('nobody')).resolves.toEqual({});
        await expect(store.listVersions('nobody')).resolves.toEqual([]);
        expect((await store.listVersions('other')).map((version) => version.version)).toEqual([1]);
      });

      it('lists prompts with their latest version and labels, most recently changed first', async () => {
        await store.addVersion(aNewPromptVersion(1));
        await store.addVersion(aNewPromptVersion(2));
        const other = aNewPromptVersion(3);
        await store.addVersion({ ...other, definition: { ...other.definition, name: 'other' } });
        await store.moveLabel(aMove({ toVersion: 1, move: { ...aMove().move, at: T0 + 500 } }));
        await expect(store.listPrompts()).resolves.toEqual([
          { name: NAME, latestVersion: 2, labels: { latest: 2, production: 1 }, updatedAt: T0 + 500 },
          { name: 'other', latestVersion: 1, labels: { latest: 1 }, updatedAt: T0 + 3 },
        ]);
      });
    });

    describe('labels', () => {
      beforeEach(async () => {
        await store.addVersion(aNewPromptVersion(1));
        await store.addVersion(aNewPromptVersion(2));
      });

      it('sets a label, moves it when it is where the caller saw it, and records every move', async () => {
        const set = await store.moveLabel(aMove());
        expect(set).toEqual({
          ...aMove().move,
          name: NAME,
          label: 'production',
          fromVersion: null,
          toVersion: 1,
        });
        const moved = await store.moveLabel(
          aMove({
            toVersion: 2,
            expectedFromVersion: 1,
            move: {
              ...aMove().move,
              id: 'plm_2',
              at: T0 + 200,
              override: true,
              reason: 'hotfix',
              testRunId: null,
            },
          }),
        );
        expect(moved).toMatchObject({ fromVersion: 1, toVersion: 2, override: true });
        await expect(store.getLabelled(NAME, 'production')).resolves.toMatchObject({ version: 2 });
        const moves = await store.listLabelMoves(NAME, 'production');
        expect(moves).toEqual([moved, set]);
      });

      it('refuses a move from a version the label no longer points at, changing nothing', async () => {
        await store.moveLabel(aMove());
        await expect(store.moveLabel(aMove({ toVersion: 2, expectedFromVersion: 2 }))).rejects.toMatchObject({
          code: 'conflict',
        });
        await expect(
          store.moveLabel(aMove({ toVersion: 2, move: { ...aMove().move, id: 'plm_3' } })),
        ).rejects.toMatchObject({ code: 'conflict' });
        await expect(store.getLabels(NAME)).resolves.toEqual({ latest: 2, production: 1 });
        await expect(store.listLabelMoves(NAME, 'production')).resolves.toHaveLength(1);
      });

      it('lets one of two concurrent moves from the same version win', async () => {
        await store.moveLabel(aMove());
        const outcomes = await Promise.allSettled([
          store.moveLabel(
            aMove({ toVersion: 2, expectedFromVersion: 1, move: { ...aMove().move, id: 'plm_a' } }),
          ),
          store.moveLabel(
            aMove({ toVersion: 2, expectedFromVersion: 1, move: { ...aMove().move, id: 'plm_b' } }),
          ),
        ]);
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        await expect(store.listLabelMoves(NAME, 'production')).resolves.toHaveLength(2);
      });

      it('refuses to point a label at a version that does not exist', async () => {
        await expect(store.moveLabel(aMove({ toVersion: 9 }))).rejects.toMatchObject({ code: 'not_found' });
        await expect(store.getLabels(NAME)).resolves.toEqual({ latest: 2 });
      });

      it('records the pushes that moved latest, newest first, with all labels in one list', async () => {
        await store.moveLabel(aMove({ move: { ...aMove().move, at: T0 + 1000 } }));
        const moves: PromptLabelMove[] = await store.listLabelMoves(NAME);
        expect(moves.map((move) => [move.label, move.kind, move.fromVersion, move.toVersion])).toEqual([
          ['production', 'promote', null, 1],
          ['latest', 'push', 1, 2],
          ['latest', 'push', null, 1],
        ]);
        expect(moves[1]).toMatchObject({ actor: 'user:usr_1', at: T0 + 2, override: false, reason: null });
      });
    });

    describe('test runs', () => {
      it('stores runs whole and lists them newest first, by version when asked', async () => {
        const first = aPromptTestRun();
        const second = aPromptTestRun({ id: 'ptr_2', version: 2, startedAt: T0 + 10, passed: true });
        await store.saveTestRun(first);
        await store.saveTestRun(second);
        await expect(store.getTestRun('ptr_1')).resolves.toEqual(first);
        await expect(store.getTestRun('ptr_none')).resolves.toBeNull();
        await expect(store.listTestRuns(NAME)).resolves.toEqual([second, first]);
        await expect(store.listTestRuns(NAME, 1)).resolves.toEqual([first]);
        await expect(store.listTestRuns('nobody')).resolves.toEqual([]);
      });

      it('refuses a second run with the same id', async () => {
        await store.saveTestRun(aPromptTestRun());
        await expect(store.saveTestRun(aPromptTestRun())).rejects.toMatchObject({ code: 'conflict' });
      });
    });
  });
}
