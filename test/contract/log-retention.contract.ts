import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlipwayError } from '../../src/core/errors.js';
import type { InteractionRecord } from '../../src/core/interaction.js';
import type { Store } from '../../src/ports/store.js';
import { aCharge, anAttempt, anInteraction, aProject, MINUTE, T0 } from './store-fixtures.js';

const DAY = 24 * 60 * MINUTE;
/** Appears nowhere but in the erased user's data. */
const ERASED_USER = 'end-user-qz7k31';
const ERASED_WORD = 'zorblattique';

/** A fresh, empty, migrated store, and a scan of every table (and index) of its database for a lower-case text. */
export interface LogRetentionSubject {
  store: Store;
  findText(needle: string): Promise<string[]>;
}

function chatOf(options: {
  id: string;
  projectId: string;
  endUser: string | null;
  text: string;
  at?: number;
}) {
  return anInteraction({
    id: options.id,
    projectId: options.projectId,
    endUser: options.endUser,
    startedAt: options.at ?? T0,
    request: {
      model: 'chat-default',
      messages: [{ role: 'user', content: options.text }],
      ...(options.endUser === null ? {} : { user: options.endUser }),
    },
    response: {
      id: `chatcmpl-${options.id}`,
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: `Answer to: ${options.text}` } }],
    },
    attempts: [anAttempt({ index: 0, status: 'error', upstreamStatus: 503 }), anAttempt({ index: 1 })],
  });
}

async function idsOf(store: Store, projectId?: string): Promise<string[]> {
  const page = await store.listInteractions({
    limit: 500,
    ...(projectId === undefined ? {} : { projectId }),
  });
  return page.items.map((item) => item.id).sort();
}

/**
 * The LogRetention contract (src/ports/log-retention.ts), run against every storage adapter: retention deletes,
 * end-user erasure with its record, and that an erasure leaves no trace of the user anywhere in the database.
 */
export function describeLogRetentionContract(name: string, open: () => Promise<LogRetentionSubject>): void {
  describe(`${name}: log retention`, () => {
    let subject: LogRetentionSubject;
    let store: Store;

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
      await store.createProject(aProject({ id: 'prj_1', name: 'one' }));
      await store.createProject(aProject({ id: 'prj_2', name: 'two', createdAt: T0 + 1 }));
    });

    afterEach(async () => {
      await store.close();
    });

    describe('project retention', () => {
      it('starts as keep-forever, and sets and clears the retention period', async () => {
        await expect(store.getProject('prj_1')).resolves.toMatchObject({ retentionDays: null });
        await expect(store.setProjectRetention('prj_1', 30)).resolves.toEqual(
          aProject({ id: 'prj_1', name: 'one', retentionDays: 30 }),
        );
        const listed = await store.listProjects();
        expect(listed.map((project) => [project.id, project.retentionDays])).toEqual([
          ['prj_1', 30],
          ['prj_2', null],
        ]);
        await store.setProjectRetention('prj_1', null);
        await expect(store.findProjectByName('one')).resolves.toMatchObject({ retentionDays: null });
      });

      it('refuses an unknown project with not_found', async () => {
        const outcome = await store.setProjectRetention('prj_missing', 7).catch((error: unknown) => error);
        expect(outcome).toBeInstanceOf(SlipwayError);
        expect(outcome).toMatchObject({ code: 'not_found' });
      });
    });

    describe('deleteInteractionsBefore', () => {
      const cutoff = T0 + 10 * DAY;
      beforeEach(async () => {
        const records: InteractionRecord[] = [];
        for (let day = 0; day < 5; day += 1) {
          records.push(
            chatOf({
              id: `old_1_${day}`,
              projectId: 'prj_1',
              endUser: null,
              text: 'old',
              at: T0 + day * DAY,
            }),
          );
          records.push(
            chatOf({
              id: `old_2_${day}`,
              projectId: 'prj_2',
              endUser: null,
              text: 'old',
              at: T0 + day * DAY,
            }),
          );
        }
        records.push(chatOf({ id: 'new_1', projectId: 'prj_1', endUser: null, text: 'new', at: cutoff }));
        records.push(
          chatOf({ id: 'new_2', projectId: 'prj_1', endUser: null, text: 'new', at: cutoff + DAY }),
        );
        await store.appendInteractions(records);
      });

      it('deletes at most `limit` of the oldest, and only older rows of that project', async () => {
        await expect(
          store.deleteInteractionsBefore({ projectId: 'prj_1', before: cutoff, limit: 2 }),
        ).resolves.toBe(2);
        expect(await idsOf(store, 'prj_1')).toEqual(['new_1', 'new_2', 'old_1_2', 'old_1_3', 'old_1_4']);
        await expect(
          store.deleteInteractionsBefore({ projectId: 'prj_1', before: cutoff, limit: 2 }),
        ).resolves.toBe(2);
        await expect(
          store.deleteInteractionsBefore({ projectId: 'prj_1', before: cutoff, limit: 2 }),
        ).resolves.toBe(1);
        await expect(
          store.deleteInteractionsBefore({ projectId: 'prj_1', before: cutoff, limit: 2 }),
        ).resolves.toBe(0);
        expect(await idsOf(store, 'prj_1')).toEqual(['new_1', 'new_2']);
        expect(await idsOf(store, 'prj_2')).toHaveLength(5);
        await expect(store.getInteraction('old_1_0')).resolves.toBeNull();
        expect((await store.getInteraction('new_1'))?.attempts).toHaveLength(2);
        expect((await store.getInteraction('old_2_0'))?.attempts).toHaveLength(2);
      });

      it('deletes the attempts with their interaction', async () => {
        await store.deleteInteractionsBefore({ projectId: 'prj_1', before: cutoff, limit: 100 });
        // A new record reusing a deleted id gets only its own attempts: none of the old ones were left behind.
        await store.appendInteractions([
          { ...chatOf({ id: 'old_1_0', projectId: 'prj_1', endUser: null, text: 'again' }), attempts: [] },
        ]);
        await expect(store.getInteraction('old_1_0')).resolves.toMatchObject({ attempts: [] });
      });
    });

    describe('eraseEndUser', () => {
      beforeEach(async () => {
        await store.appendInteractions([
          chatOf({
            id: 'erased_1',
            projectId: 'prj_1',
            endUser: ERASED_USER,
            text: `My word is ${ERASED_WORD}`,
          }),
          chatOf({
            id: 'erased_2',
            projectId: 'prj_2',
            endUser: ERASED_USER,
            text: 'Second question',
            at: T0 + 1,
          }),
          chatOf({ id: 'erased_3', projectId: 'prj_1', endUser: ERASED_USER, text: 'Third', at: T0 + 2 }),
          chatOf({ id: 'kept_1', projectId: 'prj_1', endUser: 'someone-else', text: 'Unrelated question' }),
          chatOf({ id: 'kept_2', projectId: 'prj_2', endUser: null, text: 'Anonymous question' }),
        ]);
        for (const [index, user] of [ERASED_USER, 'someone-else'].entries()) {
          await store.reserve(`reservation_${index}`, [
            aCharge({ counter: `user:prj_1:${user}:rpm`, limit: 100 }),
            aCharge({ counter: 'project:prj_1:rpm', limit: 100 }),
          ]);
        }
      });

      const erasure = { id: 'era_1', at: T0 + DAY, requestedBy: 'user:usr_admin' };

      it('deletes every interaction and attempt of the user across projects, and nothing else', async () => {
        const record = await store.eraseEndUser({ endUser: ERASED_USER, erasure });
        expect(record).toMatchObject({ ...erasure, interactionsDeleted: 3, attemptsDeleted: 6 });
        expect(await idsOf(store)).toEqual(['kept_1', 'kept_2']);
        expect((await store.getInteraction('kept_1'))?.attempts).toHaveLength(2);
        await expect(store.listInteractions({ endUser: ERASED_USER, limit: 10 })).resolves.toMatchObject({
          items: [],
        });
      });

      it("deletes the user's usage counters and leaves everyone else's", async () => {
        await store.eraseEndUser({ endUser: ERASED_USER, erasure });
        const windows = [
          'user:prj_1:' + ERASED_USER + ':rpm',
          'user:prj_1:someone-else:rpm',
          'project:prj_1:rpm',
        ];
        await expect(store.usage(windows.map((counter) => ({ counter, windowStart: T0 })))).resolves.toEqual([
          0, 1, 2,
        ]);
      });

      it('records the erasure under a keyed hash, never the id itself, findable by presenting the id', async () => {
        const record = await store.eraseEndUser({ endUser: ERASED_USER, erasure });
        expect(record.subjectHash).toMatch(/^[0-9a-f]{64}$/);
        expect(JSON.stringify(record)).not.toContain(ERASED_USER);
        await expect(store.listErasures()).resolves.toEqual([record]);
        await expect(store.listErasures({ endUser: ERASED_USER })).resolves.toEqual([record]);
        await expect(store.listErasures({ endUser: 'someone-else' })).resolves.toEqual([]);
      });

      it('records an erasure with zero counts for an end user with no data, newest first', async () => {
        await store.eraseEndUser({ endUser: ERASED_USER, erasure });
        const second = await store.eraseEndUser({
          endUser: 'never-seen',
          erasure: { id: 'era_2', at: T0 + 2 * DAY, requestedBy: 'api_key:key_1' },
        });
        expect(second).toMatchObject({ interactionsDeleted: 0, attemptsDeleted: 0 });
        expect((await store.listErasures()).map((record) => record.id)).toEqual(['era_2', 'era_1']);
        expect(await idsOf(store)).toEqual(['kept_1', 'kept_2']);
      });

      it('leaves no trace of the user or of their words in any table or index', async () => {
        // The scan can fail: before the erasure it finds both.
        expect(await subject.findText(ERASED_USER)).toContain('table interactions');
        expect(await subject.findText(ERASED_WORD)).toContain('table interactions');
        await store.eraseEndUser({ endUser: ERASED_USER, erasure });
        await expect(subject.findText(ERASED_USER)).resolves.toEqual([]);
        await expect(subject.findText(ERASED_WORD)).resolves.toEqual([]);
        // What others wrote is still there, and still searchable where the store indexes text.
        expect(await subject.findText('unrelated')).toContain('table interactions');
      });
    });
  });
}
