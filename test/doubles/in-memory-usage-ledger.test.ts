import { describe, expect, it } from 'vitest';
import type { CounterCharge } from '../../src/ports/usage-ledger.js';
import { InMemoryUsageLedger } from './in-memory-usage-ledger.js';

const rpm = (amount: number, limit = 2): CounterCharge => ({
  counter: 'key:k:rpm',
  windowStart: 0,
  windowEnd: 60_000,
  limit,
  amount,
});
const tpm = (amount: number, limit = 100): CounterCharge => ({
  counter: 'key:k:tpm',
  windowStart: 0,
  windowEnd: 60_000,
  limit,
  amount,
});

describe('InMemoryUsageLedger (the double follows the UsageLedger contract)', () => {
  it('reserves all charges or none, naming the first counter over its limit', async () => {
    const ledger = new InMemoryUsageLedger();
    expect(await ledger.reserve('r1', [rpm(1), tpm(90)])).toEqual({ granted: true });
    expect(await ledger.reserve('r2', [rpm(1), tpm(20)])).toEqual({
      granted: false,
      counter: 'key:k:tpm',
      limit: 100,
      used: 90,
      windowEnd: 60_000,
    });
    expect(
      await ledger.usage([
        { counter: 'key:k:rpm', windowStart: 0 },
        { counter: 'key:k:tpm', windowStart: 0 },
      ]),
    ).toEqual([1, 90]);
  });

  it('does not charge a reservation id twice', async () => {
    const ledger = new InMemoryUsageLedger();
    await ledger.reserve('r1', [rpm(1)]);
    expect(await ledger.reserve('r1', [rpm(1)])).toEqual({ granted: true });
    expect(await ledger.usage([{ counter: 'key:k:rpm', windowStart: 0 }])).toEqual([1]);
  });

  it('settles to the actual amounts once, keeping the reserved amount of counters not given', async () => {
    const ledger = new InMemoryUsageLedger();
    await ledger.reserve('r1', [rpm(1), tpm(90)]);
    await ledger.settle('r1', { 'key:k:tpm': 120 });
    await ledger.settle('r1', { 'key:k:tpm': 5 });
    expect(
      await ledger.usage([
        { counter: 'key:k:rpm', windowStart: 0 },
        { counter: 'key:k:tpm', windowStart: 0 },
      ]),
    ).toEqual([1, 120]);
    expect(ledger.outstanding()).toEqual([]);
    // Settled past its limit: later reservations are denied.
    expect(await ledger.reserve('r2', [tpm(0)])).toMatchObject({ granted: false, used: 120 });
  });

  it('releases to zero', async () => {
    const ledger = new InMemoryUsageLedger();
    await ledger.reserve('r1', [rpm(1), tpm(90)]);
    expect(ledger.outstanding()).toEqual(['r1']);
    await ledger.release('r1');
    expect(
      await ledger.usage([
        { counter: 'key:k:rpm', windowStart: 0 },
        { counter: 'key:k:tpm', windowStart: 0 },
      ]),
    ).toEqual([0, 0]);
    expect(ledger.outstanding()).toEqual([]);
  });

  it('keeps windows apart', async () => {
    const ledger = new InMemoryUsageLedger();
    await ledger.reserve('r1', [rpm(2)]);
    expect(await ledger.reserve('r2', [{ ...rpm(2), windowStart: 60_000, windowEnd: 120_000 }])).toEqual({
      granted: true,
    });
  });
});
