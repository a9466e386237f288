import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { Dialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { anAttempt } from '../../../../test/contract/store-fixtures.js';
import { BatchInsert } from './batch-insert.js';
import type { Database } from './database.js';
import { toAttemptRow } from './interaction-rows.js';

const dialects: Array<[string, Dialect]> = [
  [
    'sqlite',
    {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  ],
  [
    'postgres',
    {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  ],
];

for (const [name, dialect] of dialects) {
  describe(`batch insert (${name})`, () => {
    const db = new Kysely<Database>({ dialect });
    const build = (rows: ReturnType<typeof toAttemptRow>[]) =>
      db
        .insertInto('attempts')
        .values(rows)
        .onConflict((conflict) => conflict.columns(['interaction_id', 'attempt_index']).doNothing());
    const rowsOf = (interactionId: string, count: number) =>
      Array.from({ length: count }, (_, index) =>
        toAttemptRow(
          interactionId,
          anAttempt({ index, errorMessage: index % 2 === 0 ? null : `error ${index}` }),
        ),
      );

    it('lays out parameters of a reused statement exactly as Kysely does', () => {
      const insert = new BatchInsert(build);
      insert.compile(rowsOf('int_first', 3));
      const later = rowsOf('int_later', 3);
      const reused = insert.compile(later);
      const fresh = build(later).compile();
      expect(reused.sql).toBe(fresh.sql);
      expect(reused.parameters).toEqual(fresh.parameters);
    });

    it('compiles each row count to its own statement', () => {
      const insert = new BatchInsert(build);
      const two = insert.compile(rowsOf('int_1', 2));
      const five = insert.compile(rowsOf('int_1', 5));
      expect(two.parameters).toHaveLength(2 * 11);
      expect(five.parameters).toHaveLength(5 * 11);
      expect(five.sql).toBe(build(rowsOf('int_2', 5)).compile().sql);
    });
  });
}
