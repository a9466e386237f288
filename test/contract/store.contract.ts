import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlipwayError } from '../../src/core/errors.js';
import type { InteractionQuery, InteractionSummary } from '../../src/ports/interaction-store.js';
import type { Store } from '../../src/ports/store.js';
import {
  aCharge,
  anApiKey,
  anAttempt,
  anInteraction,
  aProject,
  interactionSeries,
  MINUTE,
  T0,
} from './store-fixtures.js';

const DAY = 24 * 60 * MINUTE;

/**
 * The Store contract (src/ports/*.ts), run against every storage adapter. `open` must return a fresh, empty,
 * migrated store each time; the suite closes it after each test.
 */
export function describeStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`${name}: store`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await open();
    });

    afterEach(async () => {
      await store.close();
    });

    describe('lifecycle', () => {
      it('reports its kind and answers a ping', async () => {
        expect(['sqlite', 'postgres']).toContain(store.kind);
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it('closes idempotently, after which calls fail', async () => {
        await store.close();
        await store.close();
        await expect(store.ping()).rejects.toThrow();
        await expect(store.getProject('prj_1')).rejects.toThrow();
      });
    });

    describe('projects', () => {
      it('creates a project and finds it by id and by name', async () => {
        const project = aProject();
        await expect(store.createProject(project)).resolves.toEqual(project);
        await expect(store.getProject(project.id)).resolves.toEqual(project);
        await expect(store.findProjectByName(project.name)).resolves.toEqual(project);
      });

      it('returns null for an absent project', async () => {
        await expect(store.getProject('prj_none')).resolves.toBeNull();
        await expect(store.findProjectByName('nobody')).resolves.toBeNull();
      });

      it('throws conflict when the id or the name is taken', async () => {
        await store.createProject(aProject({ id: 'prj_1', name: 'one' }));
        await expectSlipwayError(store.createProject(aProject({ id: 'prj_1', name: 'other' })), 'conflict');
        await expectSlipwayError(store.createProject(aProject({ id: 'prj_2', name: 'one' })), 'conflict');
        await expect(store.listProjects()).resolves.toHaveLength(1);
      });

      it('lists projects oldest first', async () => {
        await store.createProject(aProject({ id: 'prj_b', name: 'b', createdAt: T0 + 2 }));
        await store.createProject(aProject({ id: 'prj_a', name: 'a', createdAt: T0 + 1 }));
        await store.createProject(aProject({ id: 'prj_c', name: 'c', createdAt: T0 + 3 }));
        const projects = await store.listProjects();
        expect(projects.map((project) => project.id)).toEqual(['prj_a', 'prj_b', 'prj_c']);
      });
    });

    describe('api keys', () => {
      beforeEach(async () => {
        await store.createProject(aProject({ id: 'prj_1', name: 'one' }));
        await store.createProject(aProject({ id: 'prj_2', name: 'two' }));
      });

      it('round-trips every field, found by id and by digest', async () => {
        const key = anApiKey({
          role: 'developer',
          expiresAt: T0 + DAY,
          allowedModels: ['chat-default', 'embed-small'],
          limits: {
            requestsPerMinute: 60,
            tokensPerMinute: 100_000,
            spendPerDayUsd: 2.5,
            spendPerMonthUsd: 40,
          },
        });
        await store.insertApiKey(key);
        await expect(store.getApiKey(key.id)).resolves.toEqual(key);
        await expect(store.findApiKeyByHash(key.secretHash)).resolves.toEqual(key);
      });

      it('keeps null (every model) apart from an empty list (no model)', async () => {
        await store.insertApiKey(anApiKey({ id: 'key_all', allowedModels: null }));
        await store.insertApiKey(anApiKey({ id: 'key_none', allowedModels: [] }));
        expect((await store.getApiKey('key_all'))?.allowedModels).toBeNull();
        expect((await store.getApiKey('key_none'))?.allowedModels).toEqual([]);
      });

      it('returns null for an absent key', async () => {
        await expect(store.getApiKey('key_none')).resolves.toBeNull();
        await expect(store.findApiKeyByHash('no-such-digest')).resolves.toBeNull();
      });

      it('throws conflict when the id or the digest exists', async () => {
        await store.insertApiKey(anApiKey({ id: 'key_1', secretHash: 'digest-1' }));
        await expectSlipwayError(
          store.insertApiKey(anApiKey({ id: 'key_1', secretHash: 'digest-2' })),
          'conflict',
        );
        await expectSlipwayError(
          store.insertApiKey(anApiKey({ id: 'key_2', secretHash: 'digest-1' })),
          'conflict',
        );
        await expect(store.listApiKeys({})).resolves.toHaveLength(1);
      });

      it('throws not_found when the project does not exist', async () => {
        await expectSlipwayError(store.insertApiKey(anApiKey({ projectId: 'prj_missing' })), 'not_found');
        await expect(store.getApiKey('key_1')).resolves.toBeNull();
      });

      it('lists keys newest first, of one project when asked', async () => {
        await store.insertApiKey(anApiKey({ id: 'key_a', projectId: 'prj_1', createdAt: T0 + 1 }));
        await store.insertApiKey(anApiKey({ id: 'key_b', projectId: 'prj_2', createdAt: T0 + 2 }));
        await store.insertApiKey(anApiKey({ id: 'key_c', projectId: 'prj_1', createdAt: T0 + 3 }));
        const all = await store.listApiKeys({});
        expect(all.map((key) => key.id)).toEqual(['key_c', 'key_b', 'key_a']);
        const ofProject = await store.listApiKeys({ projectId: 'prj_1' });
        expect(ofProject.map((key) => key.id)).toEqual(['key_c', 'key_a']);
        await expect(store.listApiKeys({ projectId: 'prj_none' })).resolves.toEqual([]);
      });

      it('revokes once, keeping the first time, and still finds the revoked key', async () => {
        const key = anApiKey();
        await store.insertApiKey(key);
        await expect(store.revokeApiKey(key.id, T0 + 10)).resolves.toBe(true);
        await expect(store.revokeApiKey(key.id, T0 + 20)).resolves.toBe(true);
        expect((await store.getApiKey(key.id))?.revokedAt).toBe(T0 + 10);
        expect((await store.findApiKeyByHash(key.secretHash))?.revokedAt).toBe(T0 + 10);
      });

      it('returns false when revoking an absent key', async () => {
        await expect(store.revokeApiKey('key_none', T0)).resolves.toBe(false);
      });
    });

    describe('interactions', () => {
      it('returns the whole record, attempts ordered by index', async () => {
        const record = anInteraction({
          id: 'int_full',
          endpoint: 'chat.completions',
          endUser: 'user-42',
          variant: 'b',
          promptName: 'support-answer',
          promptVersion: 3,
          batchId: 'batch_7',
          stream: true,
          status: 'success',
          ttftMs: 95,
          costUsd: 0.000123456,
          retrievedDocuments: [{ id: 'doc_1', score: 0.87, text: 'Ünïcødé ✓ 日本語' }],
          attempts: [
            anAttempt({ index: 1, providerId: 'azure', status: 'success', ttftMs: 80, upstreamStatus: 200 }),
            anAttempt({
              index: 0,
              providerId: 'openai',
              status: 'error',
              errorCode: 'rate_limited',
              errorMessage: 'Too many requests',
              upstreamStatus: 429,
            }),
          ],
        });
        await store.appendInteractions([record]);
        const stored = await store.getInteraction('int_full');
        expect(stored).toEqual({ ...record, attempts: [record.attempts[1], record.attempts[0]] });
      });

      it('round-trips JSON bodies of any shape', async () => {
        const request = {
          model: 'chat-default',
          messages: [
            { role: 'user', content: [{ type: 'text', text: 'quote " backslash \\ newline \n emoji 🚀' }] },
          ],
          temperature: 0.7,
          seed: -12,
          stream_options: null,
          metadata: { nested: { deep: [1, 2.5, true, false, null, 'x'] } },
        };
        const records = [
          anInteraction({ id: 'int_object', request, response: { ok: true } }),
          anInteraction({ id: 'int_string', request: 'raw text', response: 'assembled message' }),
          anInteraction({ id: 'int_null', request: [1, 2, 3], response: null, status: 'error' }),
          anInteraction({ id: 'int_number', request: 42, response: 0 }),
        ];
        await store.appendInteractions(records);
        for (const record of records) {
          await expect(store.getInteraction(record.id)).resolves.toEqual(record);
        }
      });

      it('stores U+0000 in bodies and texts as U+FFFD, on every dialect alike', async () => {
        const record = anInteraction({
          id: 'int_nul',
          endUser: 'user\u0000x',
          errorMessage: 'bad\u0000byte',
          request: { text: 'a\u0000b', escaped: 'keep \\u0000 as text' },
        });
        await store.appendInteractions([record]);
        const stored = await store.getInteraction('int_nul');
        expect(stored?.endUser).toBe('user\ufffdx');
        expect(stored?.errorMessage).toBe('bad\ufffdbyte');
        expect(stored?.request).toEqual({ text: 'a\ufffdb', escaped: 'keep \\u0000 as text' });
      });

      it('keeps times past 2^32 ms and far-future times as exact numbers', async () => {
        const farFuture = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
        await store.appendInteractions([
          anInteraction({
            id: 'int_far',
            startedAt: farFuture,
            attempts: [anAttempt({ startedAt: farFuture })],
          }),
        ]);
        const stored = await store.getInteraction('int_far');
        expect(stored?.startedAt).toBe(farFuture);
        expect(stored?.attempts[0]?.startedAt).toBe(farFuture);
        const page = await store.listInteractions({ limit: 1 });
        expect(page.items[0]?.startedAt).toBe(farFuture);
        expect(typeof page.items[0]?.startedAt).toBe('number');
      });

      it('returns null for an absent interaction', async () => {
        await expect(store.getInteraction('int_none')).resolves.toBeNull();
      });

      it('accepts an empty batch', async () => {
        await store.appendInteractions([]);
        await expect(store.listInteractions({ limit: 10 })).resolves.toEqual({ items: [], nextCursor: null });
      });

      it('ignores a record seen again, in a later batch or in the same one, attempts included', async () => {
        const first = anInteraction({
          id: 'int_1',
          attempts: [anAttempt({ index: 0, status: 'error' }), anAttempt({ index: 1 })],
        });
        await store.appendInteractions([first, anInteraction({ id: 'int_2' })]);
        await store.appendInteractions([first, anInteraction({ id: 'int_3' }), first]);
        await store.appendInteractions([anInteraction({ ...first, modelRequested: 'changed' })]);
        const page = await store.listInteractions({ limit: 10 });
        expect(page.items.map((item) => item.id).sort()).toEqual(['int_1', 'int_2', 'int_3']);
        await expect(store.getInteraction('int_1')).resolves.toEqual(first);
      });

      it('writes a batch all or nothing', async () => {
        const broken = anInteraction({ id: 'int_broken', modelRequested: null as unknown as string });
        await expect(store.appendInteractions([anInteraction({ id: 'int_ok' }), broken])).rejects.toThrow();
        await expect(store.getInteraction('int_ok')).resolves.toBeNull();
      });

      it('writes batches larger than one statement can carry', async () => {
        const records = Array.from({ length: 1_357 }, (_, index) =>
          anInteraction({
            id: `int_${String(index).padStart(5, '0')}`,
            startedAt: T0 + index,
            attempts: [anAttempt({ index: 0, status: 'error' }), anAttempt({ index: 1 })],
          }),
        );
        await store.appendInteractions(records);
        const ids = await listAllIds(store, { limit: 500 });
        expect(ids).toHaveLength(records.length);
        expect(ids[0]).toBe('int_01356');
        expect(ids.at(-1)).toBe('int_00000');
        expect((await store.getInteraction('int_00777'))?.attempts).toHaveLength(2);
      });

      it('lists summaries without bodies, newest first, ties broken by id descending', async () => {
        await store.appendInteractions([
          anInteraction({ id: 'int_a', startedAt: T0 + 5 }),
          anInteraction({ id: 'int_c', startedAt: T0 + 5 }),
          anInteraction({ id: 'int_b', startedAt: T0 + 5 }),
          anInteraction({ id: 'int_z', startedAt: T0 + 1 }),
          anInteraction({
            id: 'int_new',
            startedAt: T0 + 9,
            attempts: [anAttempt(), anAttempt({ index: 1 })],
          }),
        ]);
        const page = await store.listInteractions({ limit: 10 });
        expect(page.items.map((item) => item.id)).toEqual(['int_new', 'int_c', 'int_b', 'int_a', 'int_z']);
        expect(page.nextCursor).toBeNull();
        const summary = page.items[0] as InteractionSummary & Record<string, unknown>;
        expect(summary.attemptCount).toBe(2);
        for (const omitted of ['request', 'response', 'attempts', 'retrievedDocuments', 'trace']) {
          expect(summary).not.toHaveProperty(omitted);
        }
        const {
          request: _request,
          response: _response,
          attempts: _attempts,
          retrievedDocuments: _documents,
          trace: _trace,
          ...rest
        } = anInteraction({ id: 'int_new', startedAt: T0 + 9 });
        expect(summary).toEqual({ ...rest, attemptCount: 2 });
      });

      it('pages through everything with cursors, the last page without one', async () => {
        const records = interactionSeries(10, (index) => ({ startedAt: T0 + Math.floor(index / 3) }));
        await store.appendInteractions(records);
        const pages: string[][] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listInteractions({
            limit: 3,
            ...(cursor === undefined ? {} : { cursor }),
          });
          pages.push(page.items.map((item) => item.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor !== undefined);
        expect(pages).toEqual([
          ['int_09', 'int_08', 'int_07'],
          ['int_06', 'int_05', 'int_04'],
          ['int_03', 'int_02', 'int_01'],
          ['int_00'],
        ]);
      });

      it('ends on a full page when the count is a multiple of the limit', async () => {
        await store.appendInteractions(interactionSeries(6));
        const first = await store.listInteractions({ limit: 3 });
        expect(first.nextCursor).not.toBeNull();
        const second = await store.listInteractions({ limit: 3, cursor: first.nextCursor ?? '' });
        expect(second.items.map((item) => item.id)).toEqual(['int_02', 'int_01', 'int_00']);
        expect(second.nextCursor).toBeNull();
      });

      it('keeps a cursor stable while newer records arrive', async () => {
        await store.appendInteractions(interactionSeries(6));
        const first = await store.listInteractions({ limit: 2 });
        await store.appendInteractions([
          anInteraction({ id: 'int_newer', startedAt: T0 + 100 }),
          anInteraction({ id: 'int_05b', startedAt: T0 + 5 }),
        ]);
        const second = await store.listInteractions({ limit: 2, cursor: first.nextCursor ?? '' });
        expect(first.items.map((item) => item.id)).toEqual(['int_05', 'int_04']);
        expect(second.items.map((item) => item.id)).toEqual(['int_03', 'int_02']);
      });

      it('filters by every field of the query, alone and combined, across pages', async () => {
        await store.appendInteractions(
          interactionSeries(24, (index) => ({
            projectId: index % 2 === 0 ? 'prj_even' : 'prj_odd',
            apiKeyId: `key_${index % 3}`,
            modelRequested: index % 4 === 0 ? 'embed-small' : 'chat-default',
            target: index % 5 === 0 ? 'azure/gpt-4o' : 'openai/gpt-4o-mini',
            status: index % 6 === 0 ? 'error' : index % 6 === 1 ? 'incomplete' : 'success',
            endUser: index % 7 === 0 ? null : `user-${index % 2}`,
          })),
        );
        const idsOf = (indexes: number[]): string[] =>
          indexes.reverse().map((index) => `int_${String(index).padStart(2, '0')}`);
        const range = (test: (index: number) => boolean): number[] =>
          Array.from({ length: 24 }, (_, index) => index).filter(test);
        const cases: Array<[Omit<InteractionQuery, 'limit'>, number[]]> = [
          [{ projectId: 'prj_even' }, range((index) => index % 2 === 0)],
          [{ apiKeyId: 'key_1' }, range((index) => index % 3 === 1)],
          [{ modelRequested: 'embed-small' }, range((index) => index % 4 === 0)],
          [{ target: 'azure/gpt-4o' }, range((index) => index % 5 === 0)],
          [{ status: 'incomplete' }, range((index) => index % 6 === 1)],
          [{ endUser: 'user-1' }, range((index) => index % 7 !== 0 && index % 2 === 1)],
          [{ since: T0 + 20 }, range((index) => index >= 20)],
          [{ until: T0 + 3 }, range((index) => index < 3)],
          [{ since: T0 + 5, until: T0 + 11 }, range((index) => index >= 5 && index < 11)],
          [
            { projectId: 'prj_odd', status: 'success', since: T0 + 4 },
            range((index) => index % 2 === 1 && index % 6 > 1 && index >= 4),
          ],
          [{ projectId: 'prj_none' }, []],
        ];
        for (const [filter, expected] of cases) {
          await expect(listAllIds(store, { ...filter, limit: 2 }), JSON.stringify(filter)).resolves.toEqual(
            idsOf(expected),
          );
        }
      });

      it('throws invalid_request for a malformed cursor', async () => {
        await store.appendInteractions(interactionSeries(3));
        const valid = (await store.listInteractions({ limit: 1 })).nextCursor ?? '';
        const malformed = [
          'not a cursor!',
          Buffer.from('no separator', 'utf8').toString('base64url'),
          Buffer.from('12x:int_1', 'utf8').toString('base64url'),
          Buffer.from(':int_1', 'utf8').toString('base64url'),
          Buffer.from('99999999999999999999:int_1', 'utf8').toString('base64url'),
          `${valid}=`,
          '',
        ];
        for (const cursor of malformed) {
          const error = await store.listInteractions({ limit: 1, cursor }).then(
            () => undefined,
            (thrown: unknown) => thrown,
          );
          expect(error, cursor).toBeInstanceOf(SlipwayError);
          expect((error as SlipwayError).code).toBe('invalid_request');
          expect((error as SlipwayError).param).toBe('cursor');
        }
      });

      it('throws invalid_request for a limit outside 1..500', async () => {
        for (const limit of [0, 501, 2.5]) {
          await expectSlipwayError(store.listInteractions({ limit }), 'invalid_request');
        }
        await expect(store.listInteractions({ limit: 500 })).resolves.toEqual({
          items: [],
          nextCursor: null,
        });
      });
    });

    describe('usage ledger', () => {
      const rpm = aCharge({ counter: 'key:key_1:rpm', limit: 5, amount: 1 });
      const tpm = aCharge({ counter: 'key:key_1:tpm', limit: 1_000, amount: 300 });

      it('grants within the limit and counts what was reserved', async () => {
        await expect(store.reserve('res_1', [rpm, tpm])).resolves.toEqual({ granted: true });
        await expect(store.reserve('res_2', [rpm, tpm])).resolves.toEqual({ granted: true });
        await expect(store.usage([rpm, tpm])).resolves.toEqual([2, 600]);
      });

      it('grants up to the limit exactly, then denies naming the counter, its limit, use and window end', async () => {
        await expect(store.reserve('res_1', [aCharge({ limit: 5, amount: 5 })])).resolves.toEqual({
          granted: true,
        });
        await expect(store.reserve('res_2', [aCharge({ limit: 5, amount: 1 })])).resolves.toEqual({
          granted: false,
          counter: 'key:key_1:rpm',
          limit: 5,
          used: 5,
          windowEnd: T0 + MINUTE,
        });
        await expect(store.usage([aCharge()])).resolves.toEqual([5]);
      });

      it('denies a first charge whose amount alone exceeds the limit', async () => {
        const huge = aCharge({ counter: 'project:prj_1:spend-day', limit: 1_000, amount: 1_001 });
        await expect(store.reserve('res_1', [huge])).resolves.toEqual({
          granted: false,
          counter: huge.counter,
          limit: 1_000,
          used: 0,
          windowEnd: huge.windowEnd,
        });
        await expect(store.usage([huge])).resolves.toEqual([0]);
      });

      it('denies everything when one charge does not fit, leaving every counter as it was', async () => {
        await store.reserve('res_fill', [aCharge({ counter: 'b-tight', limit: 3, amount: 3 })]);
        const outcome = await store.reserve('res_1', [
          aCharge({ counter: 'a-free', limit: 100, amount: 10 }),
          aCharge({ counter: 'b-tight', limit: 3, amount: 1 }),
          aCharge({ counter: 'c-free', limit: 100, amount: 10 }),
        ]);
        expect(outcome).toMatchObject({ granted: false, counter: 'b-tight', used: 3, limit: 3 });
        await expect(
          store.usage([
            { counter: 'a-free', windowStart: T0 },
            { counter: 'b-tight', windowStart: T0 },
            { counter: 'c-free', windowStart: T0 },
          ]),
        ).resolves.toEqual([0, 3, 0]);
      });

      it('names the first counter in the order given when several would go over', async () => {
        await store.reserve('res_fill', [
          aCharge({ counter: 'a-full', limit: 2, amount: 2 }),
          aCharge({ counter: 'z-full', limit: 4, amount: 4 }),
        ]);
        const outcome = await store.reserve('res_1', [
          aCharge({ counter: 'm-free', limit: 100, amount: 1 }),
          aCharge({ counter: 'z-full', limit: 4, amount: 1 }),
          aCharge({ counter: 'a-full', limit: 2, amount: 1 }),
        ]);
        expect(outcome).toEqual({
          granted: false,
          counter: 'z-full',
          limit: 4,
          used: 4,
          windowEnd: T0 + MINUTE,
        });
      });

      it('reports the use before this reservation even when it charged the counter first', async () => {
        await store.reserve('res_fill', [aCharge({ counter: 'b', limit: 1, amount: 1 })]);
        await store.reserve('res_a', [aCharge({ counter: 'a', limit: 10, amount: 7 })]);
        // `a` sorts first, so it is charged (to exactly its limit) before `b` is found full; `a` fitted, so it is
        // not the one to name.
        const outcome = await store.reserve('res_1', [
          aCharge({ counter: 'a', limit: 10, amount: 3 }),
          aCharge({ counter: 'b', limit: 1, amount: 1 }),
        ]);
        expect(outcome).toEqual({ granted: false, counter: 'b', limit: 1, used: 1, windowEnd: T0 + MINUTE });
        await expect(
          store.usage([
            { counter: 'a', windowStart: T0 },
            { counter: 'b', windowStart: T0 },
          ]),
        ).resolves.toEqual([7, 1]);
      });

      it('charges a reservation id once, however often it is reserved', async () => {
        await expect(store.reserve('res_1', [rpm, tpm])).resolves.toEqual({ granted: true });
        await expect(store.reserve('res_1', [rpm, tpm])).resolves.toEqual({ granted: true });
        await store.settle('res_1', {});
        await expect(store.reserve('res_1', [rpm, tpm])).resolves.toEqual({ granted: true });
        await expect(store.usage([rpm, tpm])).resolves.toEqual([1, 300]);
      });

      it('lets a denied reservation id be tried again', async () => {
        await store.reserve('res_fill', [aCharge({ limit: 1, amount: 1 })]);
        await expect(store.reserve('res_1', [aCharge({ limit: 1, amount: 1 })])).resolves.toMatchObject({
          granted: false,
        });
        await store.release('res_fill');
        await expect(store.reserve('res_1', [aCharge({ limit: 1, amount: 1 })])).resolves.toEqual({
          granted: true,
        });
        await expect(store.usage([aCharge()])).resolves.toEqual([1]);
      });

      it('keeps windows of one counter apart', async () => {
        const now = aCharge({ limit: 1, amount: 1 });
        const next = aCharge({ limit: 1, amount: 1, windowStart: T0 + MINUTE, windowEnd: T0 + 2 * MINUTE });
        await expect(store.reserve('res_1', [now])).resolves.toEqual({ granted: true });
        await expect(store.reserve('res_2', [now])).resolves.toMatchObject({ granted: false });
        await expect(store.reserve('res_3', [next])).resolves.toEqual({ granted: true });
        await expect(store.usage([now, next])).resolves.toEqual([1, 1]);
      });

      it('applies the limit given now when it changes within a window', async () => {
        await store.reserve('res_1', [aCharge({ limit: 10, amount: 5 })]);
        await expect(store.reserve('res_2', [aCharge({ limit: 5, amount: 1 })])).resolves.toMatchObject({
          granted: false,
          limit: 5,
          used: 5,
        });
        await expect(store.reserve('res_3', [aCharge({ limit: 20, amount: 10 })])).resolves.toEqual({
          granted: true,
        });
        await expect(store.usage([aCharge()])).resolves.toEqual([15]);
      });

      it('grants a reservation without charges', async () => {
        await expect(store.reserve('res_empty', [])).resolves.toEqual({ granted: true });
        await store.settle('res_empty', {});
        await store.release('res_empty');
      });

      it('rejects a counter charged twice in one reservation, and amounts that are not whole and positive', async () => {
        await expectSlipwayError(store.reserve('res_1', [rpm, { ...rpm, amount: 2 }]), 'invalid_request');
        await expectSlipwayError(store.reserve('res_2', [aCharge({ amount: -1 })]), 'invalid_request');
        await expectSlipwayError(store.reserve('res_3', [aCharge({ amount: 1.5 })]), 'invalid_request');
        await expectSlipwayError(store.reserve('res_4', [aCharge({ limit: Number.NaN })]), 'invalid_request');
        await store.reserve('res_5', [rpm]);
        await expectSlipwayError(store.settle('res_5', { [rpm.counter]: -3 }), 'invalid_request');
        await expect(store.usage([rpm])).resolves.toEqual([1]);
      });

      it('settles each counter to its actual amount, the others to what was reserved', async () => {
        await store.reserve('res_1', [rpm, tpm]);
        await store.settle('res_1', { [tpm.counter]: 120 });
        await expect(store.usage([rpm, tpm])).resolves.toEqual([1, 120]);
      });

      it('settles idempotently, ignoring counters the reservation did not charge', async () => {
        await store.reserve('res_1', [rpm, tpm]);
        await store.settle('res_1', { [tpm.counter]: 500, 'key:other:tpm': 1_000, constructor: 7 });
        await store.settle('res_1', { [tpm.counter]: 50 });
        await store.release('res_1');
        await expect(store.usage([rpm, tpm, { counter: 'key:other:tpm', windowStart: T0 }])).resolves.toEqual(
          [1, 500, 0],
        );
      });

      it('lets settling push a counter past its limit, and then denies', async () => {
        await store.reserve('res_1', [tpm]);
        await store.settle('res_1', { [tpm.counter]: 1_400 });
        await expect(store.usage([tpm])).resolves.toEqual([1_400]);
        await expect(
          store.reserve('res_2', [aCharge({ counter: tpm.counter, limit: 1_000, amount: 0 })]),
        ).resolves.toEqual({
          granted: false,
          counter: tpm.counter,
          limit: 1_000,
          used: 1_400,
          windowEnd: T0 + MINUTE,
        });
      });

      it('releases every charge to zero, once', async () => {
        await store.reserve('res_keep', [rpm, tpm]);
        await store.reserve('res_1', [rpm, tpm]);
        await store.release('res_1');
        await store.release('res_1');
        await store.settle('res_1', { [tpm.counter]: 900 });
        await expect(store.usage([rpm, tpm])).resolves.toEqual([1, 300]);
      });

      it('ignores settling or releasing an unknown reservation', async () => {
        await store.reserve('res_1', [rpm]);
        await store.settle('res_unknown', { [rpm.counter]: 0 });
        await store.release('res_unknown');
        await expect(store.usage([rpm])).resolves.toEqual([1]);
      });

      it('reports use in the order asked, 0 for counters never charged', async () => {
        await store.reserve('res_1', [
          aCharge({ counter: 'a', amount: 2 }),
          aCharge({ counter: 'b', amount: 3 }),
        ]);
        await expect(
          store.usage([
            { counter: 'b', windowStart: T0 },
            { counter: 'none', windowStart: T0 },
            { counter: 'a', windowStart: T0 },
            { counter: 'a', windowStart: T0 + MINUTE },
          ]),
        ).resolves.toEqual([3, 0, 2, 0]);
        await expect(store.usage([])).resolves.toEqual([]);
      });

      it('grants exactly the limit to many concurrent reservations', async () => {
        const charge = aCharge({ counter: 'key:hot:rpm', limit: 50, amount: 1 });
        const outcomes = await Promise.all(
          Array.from({ length: 200 }, (_, index) => store.reserve(`res_${index}`, [charge])),
        );
        expect(outcomes.filter((outcome) => outcome.granted)).toHaveLength(50);
        for (const outcome of outcomes.filter((outcome) => !outcome.granted)) {
          expect(outcome).toEqual({
            granted: false,
            counter: charge.counter,
            limit: 50,
            used: 50,
            windowEnd: T0 + MINUTE,
          });
        }
        await expect(store.usage([charge])).resolves.toEqual([50]);
      });

      it('stays all or nothing under concurrency, whatever order the charges come in', async () => {
        const tight = aCharge({ counter: 'a-tight', limit: 30, amount: 1 });
        const loose = aCharge({ counter: 'z-loose', limit: 10_000, amount: 7 });
        const outcomes = await Promise.all(
          Array.from({ length: 120 }, (_, index) =>
            store.reserve(`res_${index}`, index % 2 === 0 ? [tight, loose] : [loose, tight]),
          ),
        );
        expect(outcomes.filter((outcome) => outcome.granted)).toHaveLength(30);
        await expect(store.usage([tight, loose])).resolves.toEqual([30, 210]);
      });

      it('charges once when the same reservation is reserved concurrently', async () => {
        const outcomes = await Promise.all(
          Array.from({ length: 20 }, () => store.reserve('res_same', [rpm, tpm])),
        );
        expect(outcomes.every((outcome) => outcome.granted)).toBe(true);
        await expect(store.usage([rpm, tpm])).resolves.toEqual([1, 300]);
      });

      it('settles once when the same reservation is settled concurrently', async () => {
        await store.reserve('res_1', [tpm]);
        await Promise.all(Array.from({ length: 20 }, () => store.settle('res_1', { [tpm.counter]: 100 })));
        await expect(store.usage([tpm])).resolves.toEqual([100]);
      });

      it('forgets windows that ended long before the newest one reserved', async () => {
        const old = aCharge({ counter: 'key:key_1:rpm', limit: 1, amount: 1 });
        const monthly = aCharge({
          counter: 'project:prj_1:spend-month',
          windowEnd: T0 + 31 * DAY,
          limit: 99,
        });
        await store.reserve('res_old', [old, monthly]);
        const later = aCharge({ windowStart: T0 + 2 * DAY, windowEnd: T0 + 2 * DAY + MINUTE });
        await store.reserve('res_later', [later]);
        await expect(store.usage([old, monthly, later])).resolves.toEqual([0, 1, 1]);
      });
    });
  });
}

async function expectSlipwayError(promise: Promise<unknown>, code: SlipwayError['code']): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(SlipwayError);
  expect((error as SlipwayError).code).toBe(code);
}

async function listAllIds(store: Store, query: InteractionQuery): Promise<string[]> {
  const ids: string[] = [];
  let cursor = query.cursor;
  for (;;) {
    const page = await store.listInteractions({ ...query, ...(cursor === undefined ? {} : { cursor }) });
    ids.push(...page.items.map((item: InteractionSummary) => item.id));
    if (page.nextCursor === null) return ids;
    cursor = page.nextCursor;
  }
}
