import type { CounterCharge, ReserveOutcome, UsageLedger } from '../../src/ports/usage-ledger.js';

interface Reservation {
  charges: readonly CounterCharge[];
  open: boolean;
}

/** The UsageLedger contract in memory, with what tests need to look inside (open reservations, calls). */
export class InMemoryUsageLedger implements UsageLedger {
  readonly calls: Array<
    | { method: 'reserve'; reservationId: string; charges: readonly CounterCharge[] }
    | { method: 'settle'; reservationId: string; actual: Readonly<Record<string, number>> }
    | { method: 'release'; reservationId: string }
  > = [];
  private readonly amounts = new Map<string, number>();
  private readonly reservations = new Map<string, Reservation>();

  async reserve(reservationId: string, charges: readonly CounterCharge[]): Promise<ReserveOutcome> {
    this.calls.push({ method: 'reserve', reservationId, charges });
    if (this.reservations.has(reservationId)) return { granted: true };
    for (const charge of charges) {
      const used = this.amountOf(charge.counter, charge.windowStart);
      if (used + charge.amount > charge.limit) {
        return {
          granted: false,
          counter: charge.counter,
          limit: charge.limit,
          used,
          windowEnd: charge.windowEnd,
        };
      }
    }
    for (const charge of charges) this.add(charge.counter, charge.windowStart, charge.amount);
    this.reservations.set(reservationId, { charges, open: true });
    return { granted: true };
  }

  async settle(reservationId: string, actual: Readonly<Record<string, number>>): Promise<void> {
    this.calls.push({ method: 'settle', reservationId, actual });
    this.close(reservationId, (charge) => actual[charge.counter] ?? charge.amount);
  }

  async release(reservationId: string): Promise<void> {
    this.calls.push({ method: 'release', reservationId });
    this.close(reservationId, () => 0);
  }

  async usage(counters: readonly { counter: string; windowStart: number }[]): Promise<number[]> {
    return counters.map(({ counter, windowStart }) => this.amountOf(counter, windowStart));
  }

  /** Ids of reservations neither settled nor released. */
  outstanding(): string[] {
    return [...this.reservations.entries()].filter(([, reservation]) => reservation.open).map(([id]) => id);
  }

  /** Sets a counter directly, e.g. to start a test with a budget already spent. */
  preset(counter: string, windowStart: number, amount: number): void {
    this.amounts.set(`${counter}@${windowStart}`, amount);
  }

  private close(reservationId: string, actualOf: (charge: CounterCharge) => number): void {
    const reservation = this.reservations.get(reservationId);
    if (!reservation?.open) return;
    for (const charge of reservation.charges) {
      this.add(charge.counter, charge.windowStart, actualOf(charge) - charge.amount);
    }
    reservation.open = false;
  }

  private amountOf(counter: string, windowStart: number): number {
    return this.amounts.get(`${counter}@${windowStart}`) ?? 0;
  }

  private add(counter: string, windowStart: number, amount: number): void {
    this.amounts.set(`${counter}@${windowStart}`, this.amountOf(counter, windowStart) + amount);
  }
}
