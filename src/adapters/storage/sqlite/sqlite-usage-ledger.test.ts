import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { aCharge, MINUTE, T0 } from '../../../../test/contract/store-fixtures.js';
import { SlipwayError } from '../../../core/errors.js';
import { openSqliteStore } from './index.js';
import { SqliteConnection } from './sqlite-connection.js';
import { SqliteUsageLedger } from './sqlite-usage-ledger.js';

const directory = mkdtempSync(join(tmpdir(), 'slipway-sqlite-ledger-'));
let files = 0;

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('sqlite usage ledger', () => {
  let path: string;
  let connection: SqliteConnection;
  let commits: { count: number };
  let ledger: SqliteUsageLedger;
  let observer: BetterSqlite3.Database;

  beforeEach(async () => {
    path = join(directory, `ledger-${++files}.db`);
    // The store migrates the file; the ledger then gets a connection of its own, whose transactions are counted.
    await (await openSqliteStore({ path })).close();
    connection = SqliteConnection.open(path);
    commits = countCommits(connection);
    ledger = new SqliteUsageLedger(connection);
    observer = new BetterSqlite3(path, { readonly: true });
  });

  afterEach(() => {
    observer.close();
    ledger.close();
    connection.close();
  });

  const usedOf = (counter: string): unknown =>
    observer.prepare('select used from usage_counters where counter = ?').pluck().get(counter);

  it('resolves a call only once the transaction that applied it has committed', async () => {
    const charge = aCharge({ counter: 'key:key_1:tpm', limit: 1_000, amount: 300 });
    const reserving = ledger.reserve('res_1', [charge]);
    expect(usedOf(charge.counter)).toBeUndefined();
    await expect(reserving).resolves.toEqual({ granted: true });
    expect(usedOf(charge.counter)).toBe(300);
    await expect(ledger.settle('res_1', { [charge.counter]: 120 })).resolves.toBeUndefined();
    expect(usedOf(charge.counter)).toBe(120);
    expect(commits.count).toBe(2);
  });

  it('reports the window end the latest granted charge gave', async () => {
    const first = aCharge({ limit: 2, amount: 1, windowEnd: T0 + MINUTE });
    const moved = { ...first, windowEnd: T0 + 2 * MINUTE };
    await ledger.reserve('res_1', [first]);
    await ledger.reserve('res_2', [moved]);
    await expect(ledger.reserve('res_3', [first])).resolves.toEqual({
      granted: false,
      counter: first.counter,
      limit: 2,
      used: 2,
      windowEnd: T0 + 2 * MINUTE,
    });
  });

  it('commits the calls of one event-loop turn in one transaction, in the order called', async () => {
    const rpm = aCharge({ counter: 'key:hot:rpm', limit: 50, amount: 1 });
    const tpm = aCharge({ counter: 'key:hot:tpm', limit: 1_000_000, amount: 300 });
    const reserving = Array.from({ length: 200 }, (_, index) => ledger.reserve(`res_${index}`, [rpm, tpm]));
    const again = ledger.reserve('res_0', [rpm, tpm]);
    const settling = ledger.settle('res_0', { [tpm.counter]: 100 });
    const releasing = ledger.release('res_1');
    // Released after the 200 above were decided, so it frees a place only for a reservation called later.
    const late = ledger.reserve('res_late', [rpm, tpm]);

    const outcomes = await Promise.all(reserving);
    expect(outcomes.filter((outcome) => outcome.granted)).toHaveLength(50);
    expect(outcomes.slice(0, 50).every((outcome) => outcome.granted)).toBe(true);
    expect(outcomes[50]).toEqual({
      granted: false,
      counter: rpm.counter,
      limit: 50,
      used: 50,
      windowEnd: T0 + MINUTE,
    });
    await expect(again).resolves.toEqual({ granted: true });
    await settling;
    await releasing;
    await expect(late).resolves.toEqual({ granted: true });
    expect(commits.count).toBe(1);
    await expect(ledger.usage([rpm, tpm])).resolves.toEqual([50, 51 * 300 - (300 - 100) - 300]);
  });

  it('rejects every call of a group whose transaction cannot start, and applies none', async () => {
    const charge = aCharge({ limit: 10, amount: 3 });
    await ledger.reserve('res_0', [charge]);
    connection.prepare('pragma busy_timeout = 20').get();
    const writer = new BetterSqlite3(path);
    writer.exec('begin immediate');
    try {
      const group = [
        ledger.reserve('res_1', [charge]),
        ledger.settle('res_0', { [charge.counter]: 1 }),
        ledger.reserve('res_2', [charge]),
      ];
      const errors = await Promise.all(
        group.map((call) =>
          call.then(
            () => null,
            (error: unknown) => error,
          ),
        ),
      );
      for (const error of errors) expect(error).toMatchObject({ code: 'SQLITE_BUSY' });
    } finally {
      writer.exec('rollback');
      writer.close();
    }
    expect(usedOf(charge.counter)).toBe(3);
    await expect(ledger.reserve('res_1', [charge])).resolves.toEqual({ granted: true });
    expect(usedOf(charge.counter)).toBe(6);
  });

  it('undoes the earlier calls of a group when a later one fails it', async () => {
    const charge = aCharge({ limit: 10, amount: 3 });
    await ledger.reserve('res_0', [charge]);
    const writer = new BetterSqlite3(path);
    writer.exec(
      `create trigger refuse_poison before insert on reservations when new.reservation_id = 'res_poison'
       begin select raise(abort, 'poisoned'); end`,
    );
    writer.close();
    const group = [
      ledger.reserve('res_1', [charge]),
      ledger.settle('res_0', { [charge.counter]: 1 }),
      ledger.reserve('res_poison', [charge]),
      ledger.reserve('res_2', [charge]),
    ];
    const errors = await Promise.all(
      group.map((call) =>
        call.then(
          () => null,
          (error: unknown) => error,
        ),
      ),
    );
    for (const error of errors) expect(error).toMatchObject({ message: 'poisoned' });
    expect(usedOf(charge.counter)).toBe(3);
    await ledger.settle('res_0', { [charge.counter]: 1 });
    expect(usedOf(charge.counter)).toBe(1);
  });

  it('rejects an invalid call alone, before it joins a group', async () => {
    const charge = aCharge({ limit: 10, amount: 3 });
    const group = [
      ledger.reserve('res_1', [charge]),
      ledger.reserve('res_bad', [aCharge({ amount: -1 })]),
      ledger.settle('res_1', { [charge.counter]: 1.5 }),
      ledger.reserve('res_2', [charge]),
    ];
    const [first, invalidReserve, invalidSettle, second] = await Promise.allSettled(group);
    expect(first).toEqual({ status: 'fulfilled', value: { granted: true } });
    expect(second).toEqual({ status: 'fulfilled', value: { granted: true } });
    for (const invalid of [invalidReserve, invalidSettle]) {
      expect(invalid).toMatchObject({ status: 'rejected', reason: { code: 'invalid_request' } });
    }
    expect(commits.count).toBe(1);
    expect(usedOf(charge.counter)).toBe(6);
  });

  it('applies the charges and amounts as they were when called', async () => {
    const charge = aCharge({ limit: 10, amount: 3 });
    const charges = [charge];
    const reserving = ledger.reserve('res_1', charges);
    charge.amount = -1;
    charges.push(aCharge({ counter: 'other' }));
    await expect(reserving).resolves.toEqual({ granted: true });
    expect(usedOf(charge.counter)).toBe(3);
    const actual: Record<string, number> = { [charge.counter]: 2 };
    const settling = ledger.settle('res_1', actual);
    actual[charge.counter] = -5;
    await settling;
    await expect(ledger.usage([charge, aCharge({ counter: 'other' })])).resolves.toEqual([2, 0]);
  });

  it('commits what is queued on close, then refuses new calls', async () => {
    const charge = aCharge({ limit: 10, amount: 3 });
    const reserving = ledger.reserve('res_1', [charge]);
    ledger.close();
    expect(usedOf(charge.counter)).toBe(3);
    await expect(reserving).resolves.toEqual({ granted: true });
    const refused = await ledger.release('res_1').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SlipwayError);
    expect(refused).toMatchObject({ code: 'internal_error' });
    expect(usedOf(charge.counter)).toBe(3);
  });
});

/** Counts the IMMEDIATE transactions of `connection` that committed. */
function countCommits(connection: SqliteConnection): { count: number } {
  const commits = { count: 0 };
  const transaction = connection.transaction.bind(connection);
  vi.spyOn(connection, 'transaction').mockImplementation((mode, work) => {
    const run = transaction(mode, work);
    return (...args) => {
      const result = run(...args);
      if (mode === 'immediate') commits.count += 1;
      return result;
    };
  });
  return commits;
}
