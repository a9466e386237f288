import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SlipwayError } from '../../../core/errors.js';
import { SqliteConnection } from './sqlite-connection.js';

describe('SqliteConnection', () => {
  let connection: SqliteConnection;
  let values: () => number[];
  let insert: (value: number) => void;

  beforeEach(() => {
    connection = SqliteConnection.open(':memory:');
    connection.prepare('create table numbers (value integer primary key)').run();
    const insertStatement = connection.prepare<[number]>('insert into numbers (value) values (?)');
    const selectStatement = connection
      .prepare<[], number>('select value from numbers order by value')
      .pluck();
    insert = (value) => void insertStatement.run(value);
    values = () => selectStatement.all();
  });

  afterEach(() => {
    connection.close();
  });

  it('zeroes freed pages (secure_delete), so that deleted rows cannot be read back from the file', () => {
    expect(connection.prepare<[], number>('PRAGMA secure_delete').pluck().get()).toBe(1);
  });

  it('keeps statement journals in memory (temp_store = MEMORY, 2), which the log triggers write per row', () => {
    expect(connection.prepare<[], number>('PRAGMA temp_store').pluck().get()).toBe(2);
  });

  it('commits what a transaction wrote when its work returns, and hands back its result', () => {
    const insertTwo = connection.transaction('immediate', (first: number, second: number) => {
      insert(first);
      insert(second);
      return first + second;
    });
    expect(insertTwo(1, 2)).toBe(3);
    expect(values()).toEqual([1, 2]);
  });

  it('rolls everything back when its work throws', () => {
    const insertThenFail = connection.transaction('immediate', (value: number) => {
      insert(value);
      insert(value);
    });
    expect(() => insertThenFail(7)).toThrow(/UNIQUE/);
    expect(values()).toEqual([]);
  });

  it('refuses to run inside another transaction rather than nest as a savepoint', () => {
    const inner = connection.transaction('immediate', () => insert(2));
    const outer = connection.transaction('immediate', () => {
      insert(1);
      inner();
    });
    let error: unknown;
    try {
      outer();
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(SlipwayError);
    expect(error).toMatchObject({ code: 'internal_error' });
    expect(values()).toEqual([]);
  });

  it('refuses an asynchronous unit of work, which could let other statements in before it commits', () => {
    const asynchronous = connection.transaction('immediate', async () => {
      insert(1);
      await Promise.resolve();
    });
    expect(() => asynchronous()).toThrow(/promise/);
    expect(values()).toEqual([]);
  });

  it('closes idempotently, after which statements fail', () => {
    connection.close();
    connection.close();
    expect(() => values()).toThrow(/not open/);
  });
});
