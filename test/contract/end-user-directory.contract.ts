import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EndUserFields } from '../../src/core/end-user.js';
import type { Store } from '../../src/ports/store.js';
import { T0 } from './store-fixtures.js';

const anEndUser = (overrides: Partial<EndUserFields> = {}): EndUserFields => ({
  id: 'u-1',
  name: 'Ada',
  groups: ['finance'],
  roles: ['analyst'],
  clearance: 'internal',
  disabled: false,
  ...overrides,
});

/**
 * The EndUserDirectory contract (src/ports/end-user-directory.ts), run against every storage adapter. `open`
 * must return a fresh, empty, migrated store each time.
 */
export function describeEndUserDirectoryContract(name: string, open: () => Promise<Store>): void {
  describe(`${name}: end-user directory`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
    });

    it('creates, replaces (keeping the first creation time) and deletes an end user', async () => {
      await expect(store.putEndUser(anEndUser(), T0)).resolves.toBeNull();
      await expect(store.getEndUser('u-1')).resolves.toEqual({
        ...anEndUser(),
        createdAt: T0,
        updatedAt: T0,
      });
      const changed = anEndUser({ groups: [], roles: [], clearance: null, disabled: true, name: 'Ada L.' });
      await expect(store.putEndUser(changed, T0 + 5)).resolves.toMatchObject({ groups: ['finance'] });
      await expect(store.getEndUser('u-1')).resolves.toEqual({
        ...changed,
        createdAt: T0,
        updatedAt: T0 + 5,
      });
      await expect(store.getEndUser('U-1')).resolves.toBeNull();
      await expect(store.deleteEndUser('u-1')).resolves.toBe(true);
      await expect(store.deleteEndUser('u-1')).resolves.toBe(false);
      await expect(store.getEndUser('u-1')).resolves.toBeNull();
    });

    it('lists end users by id, a page at a time', async () => {
      for (const id of ['c', 'a', 'b']) await store.putEndUser(anEndUser({ id }), T0);
      const first = await store.listEndUsers({ limit: 2 });
      expect(first.items.map((user) => user.id)).toEqual(['a', 'b']);
      expect(first.nextAfter).toBe('b');
      const second = await store.listEndUsers({ limit: 2, after: 'b' });
      expect(second).toEqual({ items: [expect.objectContaining({ id: 'c' })], nextAfter: null });
    });

    it('lists the groups users name, keeps descriptions, and refuses to delete a group in use', async () => {
      await store.putEndUser(anEndUser({ groups: ['finance', 'audit'] }), T0);
      await expect(
        store.putEndUserGroup({ name: 'finance', description: 'Money', createdAt: T0 + 1 }),
      ).resolves.toBe(false);
      await expect(
        store.putEndUserGroup({ name: 'hr', description: 'People', createdAt: T0 + 2 }),
      ).resolves.toBe(true);
      await expect(store.listEndUserGroups()).resolves.toEqual([
        { name: 'audit', description: '', createdAt: T0 },
        { name: 'finance', description: 'Money', createdAt: T0 },
        { name: 'hr', description: 'People', createdAt: T0 + 2 },
      ]);
      await expect(store.deleteEndUserGroup('finance')).rejects.toMatchObject({ code: 'conflict' });
      await expect(store.deleteEndUserGroup('hr')).resolves.toBe(true);
      await expect(store.deleteEndUserGroup('hr')).resolves.toBe(false);
    });

    it('syncs a file: creates, updates, leaves alone, and prunes only when asked', async () => {
      await store.putEndUser(anEndUser({ id: 'keep' }), T0);
      await store.putEndUser(anEndUser({ id: 'change' }), T0);
      await store.putEndUser(anEndUser({ id: 'gone' }), T0);
      const users = [
        anEndUser({ id: 'keep' }),
        anEndUser({ id: 'change', clearance: 'restricted' }),
        anEndUser({ id: 'new' }),
      ];
      const dry = await store.syncEndUsers({ users, prune: true, dryRun: true, at: T0 + 1 });
      expect(dry).toEqual({ created: ['new'], updated: ['change'], unchanged: ['keep'], removed: ['gone'] });
      await expect(store.getEndUser('new')).resolves.toBeNull();

      await expect(store.syncEndUsers({ users, prune: false, dryRun: false, at: T0 + 1 })).resolves.toEqual({
        created: ['new'],
        updated: ['change'],
        unchanged: ['keep'],
        removed: [],
      });
      await expect(store.getEndUser('gone')).resolves.not.toBeNull();
      await expect(store.getEndUser('change')).resolves.toMatchObject({
        clearance: 'restricted',
        createdAt: T0,
      });
      await expect(store.syncEndUsers({ users, prune: true, dryRun: false, at: T0 + 2 })).resolves.toEqual({
        created: [],
        updated: [],
        unchanged: ['change', 'keep', 'new'],
        removed: ['gone'],
      });
      await expect(store.getEndUser('gone')).resolves.toBeNull();
    });

    it('applies concurrent syncs one after the other', async () => {
      const batch = (prefix: string) =>
        Array.from({ length: 30 }, (_, index) =>
          anEndUser({ id: `${prefix}-${String(index).padStart(2, '0')}` }),
        );
      const outcomes = await Promise.all([
        store.syncEndUsers({ users: batch('a'), prune: true, dryRun: false, at: T0 }),
        store.syncEndUsers({ users: batch('b'), prune: true, dryRun: false, at: T0 }),
      ]);
      const page = await store.listEndUsers({ limit: 1000 });
      // Whichever ran second removed the first one's users: never a mix of both.
      const prefixes = new Set(page.items.map((user) => user.id[0]));
      expect(prefixes.size).toBe(1);
      expect(page.items).toHaveLength(30);
      expect(outcomes.map((outcome) => outcome.removed.length).sort()).toEqual([0, 30]);
    });
  });
}
