import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlipwayError } from '../../src/core/errors.js';
import type { InteractionRecord } from '../../src/core/interaction.js';
import { PII_ENTITIES } from '../../src/core/redaction/pii-entity.js';
import { createRedactor } from '../../src/core/redaction/redactor.js';
import type { InteractionQuery, InteractionSort } from '../../src/ports/interaction-store.js';
import type { Store } from '../../src/ports/store.js';
import { anInteraction, T0 } from './store-fixtures.js';

function chat(id: string, options: { asked: string; answered: string } & Partial<InteractionRecord>) {
  const { asked, answered, ...overrides } = options;
  return anInteraction({
    id,
    request: { model: 'chat-default', messages: [{ role: 'user', content: asked }] },
    response: { choices: [{ index: 0, message: { role: 'assistant', content: answered } }] },
    ...overrides,
  });
}

const redactor = createRedactor({ entities: PII_ENTITIES });

/** The corpus every test searches: appended once, read only. */
const CORPUS: InteractionRecord[] = [
  chat('int_a', {
    asked: 'Where is my parcel? The delivery is late.',
    answered: 'Your parcel ships tomorrow.',
    startedAt: T0 + 1,
    costUsd: 0.002,
    latencyMs: 900,
    projectId: 'prj_1',
    modelRequested: 'chat-default',
  }),
  chat('int_b', {
    asked: 'Late fees: how are they computed?',
    answered: 'Fees are 2% of the delivery price.',
    startedAt: T0 + 2,
    costUsd: 0.01,
    latencyMs: 300,
    projectId: 'prj_2',
    modelRequested: 'chat-large',
    status: 'error',
    endUser: 'user-7',
  }),
  chat('int_c', {
    asked: 'Crème brûlée recipe, please',
    answered: 'Here is a CRÈME BRÛLÉE recipe for a café.',
    startedAt: T0 + 3,
    costUsd: 0.0005,
    latencyMs: 1500,
    projectId: 'prj_1',
    promptName: 'recipes',
  }),
  chat('int_d', {
    asked: 'Refunding an order',
    answered: 'Refunds take five days; a refunded order shows in the ledger.',
    startedAt: T0 + 4,
    costUsd: 0.002,
    latencyMs: 300,
    projectId: 'prj_2',
    promptName: 'support',
  }),
  redactInteraction(
    chat('int_e', {
      asked: 'Mail me at jane.roe@example.com about the delivery',
      answered: 'Done.',
      startedAt: T0 + 5,
      costUsd: 0.03,
      latencyMs: 50,
      projectId: 'prj_1',
      endUser: 'user-7',
    }),
  ),
  anInteraction({
    id: 'int_f',
    endpoint: 'embeddings',
    request: { model: 'embed', input: ['Quarterly revenue report', 'late delivery notice'] },
    response: { object: 'list', data: [] },
    startedAt: T0 + 6,
    costUsd: 0,
    latencyMs: 20,
    projectId: 'prj_2',
  }),
  chat('int_g', {
    asked: 'What is the weather?',
    answered: '',
    startedAt: T0 + 7,
    costUsd: 0.004,
    latencyMs: 700,
    projectId: 'prj_1',
    response: {
      choices: [
        {
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'c',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Zürich"}' },
              },
            ],
          },
        },
      ],
    },
  }),
];

function redactInteraction(record: InteractionRecord): InteractionRecord {
  return {
    ...record,
    request: redactor.redactValue(record.request).value,
    response: redactor.redactValue(record.response).value,
  };
}

/**
 * The search and filters of `listInteractions` (src/ports/interaction-store.ts), run against every storage
 * adapter. `open` must return a fresh, empty, migrated store; the suite closes it at the end.
 */
export function describeInteractionSearch(name: string, open: () => Promise<Store>): void {
  describe(`${name}: interaction search`, () => {
    let store: Store;

    beforeAll(async () => {
      store = await open();
      await store.appendInteractions(CORPUS);
    });

    afterAll(async () => {
      await store.close();
    });

    const ids = async (query: Partial<InteractionQuery>): Promise<string[]> =>
      (await store.listInteractions({ limit: 100, ...query })).items.map((item) => item.id);

    describe('text', () => {
      it('matches a word in the request or the response, newest first', async () => {
        expect(await ids({ text: 'parcel' })).toEqual(['int_a']);
        expect(await ids({ text: 'delivery' })).toEqual(['int_f', 'int_e', 'int_b', 'int_a']);
        expect(await ids({ text: 'ships' })).toEqual(['int_a']);
      });

      it('requires every word (AND)', async () => {
        expect(await ids({ text: 'delivery late' })).toEqual(['int_f', 'int_b', 'int_a']);
        expect(await ids({ text: 'late parcel' })).toEqual(['int_a']);
        expect(await ids({ text: 'parcel recipe' })).toEqual([]);
      });

      it('ignores case and diacritics, in the text and in the query', async () => {
        expect(await ids({ text: 'creme brulee' })).toEqual(['int_c']);
        expect(await ids({ text: 'CRÈME' })).toEqual(['int_c']);
        expect(await ids({ text: 'Cafe' })).toEqual(['int_c']);
        expect(await ids({ text: 'zurich' })).toEqual(['int_g']);
      });

      it('matches a quoted phrase only as adjacent words in order', async () => {
        expect(await ids({ text: '"delivery is late"' })).toEqual(['int_a']);
        expect(await ids({ text: '"late delivery"' })).toEqual(['int_f']);
        expect(await ids({ text: '"late is delivery"' })).toEqual([]);
        expect(await ids({ text: '"brulee recipe" "here is"' })).toEqual(['int_c']);
      });

      it('matches a word by prefix', async () => {
        expect(await ids({ text: 'refund*' })).toEqual(['int_d']);
        expect(await ids({ text: 'deliv* late' })).toEqual(['int_f', 'int_b', 'int_a']);
        expect(await ids({ text: '"refunded ord"*' })).toEqual(['int_d']);
        expect(await ids({ text: 'refund' })).toEqual([]);
      });

      it('searches tool calls and embeddings input', async () => {
        expect(await ids({ text: 'get_weather' })).toEqual(['int_g']);
        expect(await ids({ text: 'quarterly revenue' })).toEqual(['int_f']);
      });

      it('searches the redacted text: a personal value does not match, its mask does', async () => {
        expect(await ids({ text: 'jane.roe@example.com' })).toEqual([]);
        expect(await ids({ text: 'jane' })).toEqual([]);
        expect(await ids({ text: '[EMAIL]' })).toEqual(['int_e']);
        expect(await ids({ text: 'email delivery' })).toEqual(['int_e']);
      });

      it('reads punctuation and query operators as nothing but separators', async () => {
        expect(await ids({ text: 'parcel OR recipe' })).toEqual([]);
        expect(await ids({ text: 'NEAR(parcel late) -x' })).toEqual([]);
        expect(await ids({ text: "late's ) ( : ^ ' \\ & | ! <->" })).toEqual([]);
        expect(await ids({ text: '(parcel)' })).toEqual(['int_a']);
      });

      it('refuses a text holding no word with invalid_request on q', async () => {
        for (const text of ['', '  ', '***', '"" ()', '-:^']) {
          const error = await store.listInteractions({ limit: 10, text }).then(
            () => undefined,
            (thrown: unknown) => thrown,
          );
          expect(error, text).toBeInstanceOf(SlipwayError);
          expect(error).toMatchObject({ code: 'invalid_request', param: 'q' });
        }
      });

      it('answers any string with results or invalid_request, never another error', async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(
              fc.string({ unit: 'grapheme', maxLength: 40 }),
              fc.string({
                unit: fc.constantFrom(...'late delivery"*():^\'&|!<>-\\+NEARORAND'),
                maxLength: 30,
              }),
            ),
            async (text) => {
              try {
                const page = await store.listInteractions({ limit: 10, text });
                for (const item of page.items) expect(CORPUS.map((record) => record.id)).toContain(item.id);
              } catch (error) {
                expect(error).toBeInstanceOf(SlipwayError);
                expect(error).toMatchObject({ code: 'invalid_request', param: 'q' });
              }
            },
          ),
          { numRuns: 60 },
        );
      });
    });

    describe('filters', () => {
      it('filters by prompt name', async () => {
        expect(await ids({ promptName: 'recipes' })).toEqual(['int_c']);
        expect(await ids({ promptName: 'none' })).toEqual([]);
      });

      it('filters by cost and latency, bounds included', async () => {
        expect(await ids({ minCostUsd: 0.002, maxCostUsd: 0.01 })).toEqual([
          'int_g',
          'int_d',
          'int_b',
          'int_a',
        ]);
        expect(await ids({ maxCostUsd: 0 })).toEqual(['int_f']);
        expect(await ids({ minLatencyMs: 300, maxLatencyMs: 900 })).toEqual([
          'int_g',
          'int_d',
          'int_b',
          'int_a',
        ]);
        expect(await ids({ minLatencyMs: 1000 })).toEqual(['int_c']);
      });

      it('combines text with project scope and every other filter', async () => {
        expect(await ids({ text: 'delivery', projectId: 'prj_1' })).toEqual(['int_e', 'int_a']);
        expect(await ids({ text: 'delivery', projectId: 'prj_2', status: 'error' })).toEqual(['int_b']);
        expect(await ids({ text: 'delivery', endUser: 'user-7' })).toEqual(['int_e', 'int_b']);
        expect(await ids({ text: 'delivery', modelRequested: 'chat-large' })).toEqual(['int_b']);
        expect(await ids({ text: 'refund*', promptName: 'support', projectId: 'prj_2' })).toEqual(['int_d']);
        expect(await ids({ text: 'refund*', projectId: 'prj_1' })).toEqual([]);
        expect(await ids({ text: 'delivery', since: T0 + 2, until: T0 + 6 })).toEqual(['int_e', 'int_b']);
        expect(
          await ids({ text: 'delivery', minCostUsd: 0.005, maxCostUsd: 0.02, maxLatencyMs: 400 }),
        ).toEqual(['int_b']);
      });
    });

    describe('sorts', () => {
      it('sorts by cost or latency descending, ties by id descending', async () => {
        expect(await ids({ sort: 'cost' })).toEqual([
          'int_e',
          'int_b',
          'int_g',
          'int_d',
          'int_a',
          'int_c',
          'int_f',
        ]);
        expect(await ids({ sort: 'latency' })).toEqual([
          'int_c',
          'int_a',
          'int_g',
          'int_d',
          'int_b',
          'int_e',
          'int_f',
        ]);
        expect(await ids({ sort: 'recent' })).toEqual([
          'int_g',
          'int_f',
          'int_e',
          'int_d',
          'int_c',
          'int_b',
          'int_a',
        ]);
        expect(await ids({ sort: 'cost', text: 'delivery' })).toEqual(['int_e', 'int_b', 'int_a', 'int_f']);
      });

      for (const sort of ['recent', 'cost', 'latency'] as const) {
        it(`pages through a ${sort} listing without duplicates or gaps`, async () => {
          for (const query of [
            {},
            { text: 'delivery' },
            { projectId: 'prj_1' },
            { text: 'the', minLatencyMs: 1 },
          ]) {
            const all = await ids({ ...query, sort });
            for (const limit of [1, 2, 3]) {
              expect(
                await pagedIds(store, { ...query, sort, limit }),
                `${JSON.stringify(query)} by ${limit}`,
              ).toEqual(all);
            }
          }
        });
      }

      it('refuses a cursor made by another sort with invalid_request on cursor', async () => {
        const sorts: InteractionSort[] = ['recent', 'cost', 'latency'];
        for (const sort of sorts) {
          const { nextCursor } = await store.listInteractions({ limit: 1, sort });
          expect(nextCursor).not.toBeNull();
          for (const other of sorts.filter((candidate) => candidate !== sort)) {
            const error = await store
              .listInteractions({ limit: 1, sort: other, cursor: nextCursor ?? '' })
              .then(
                () => undefined,
                (thrown: unknown) => thrown,
              );
            expect(error).toMatchObject({ code: 'invalid_request', param: 'cursor' });
          }
        }
      });
    });
  });
}

async function pagedIds(
  store: Store,
  query: Partial<InteractionQuery> & { limit: number },
): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await store.listInteractions({ ...query, ...(cursor === undefined ? {} : { cursor }) });
    expect(page.items.length).toBeLessThanOrEqual(query.limit);
    seen.push(...page.items.map((item) => item.id));
    if (page.nextCursor === null) return seen;
    cursor = page.nextCursor;
  }
}
