import type { ManualClock } from './manual-clock.js';

/**
 * A `sleep(ms, signal)` that returns at once, records each delay and moves the manual clock by it, so retries
 * cost no real time. Rejects like the real one when the signal is (or becomes) aborted.
 */
export class RecordingSleep {
  readonly delays: number[] = [];

  constructor(private readonly clock?: ManualClock) {}

  readonly sleep = async (ms: number, signal: AbortSignal): Promise<void> => {
    if (signal.aborted) throw signal.reason;
    this.delays.push(ms);
    this.clock?.advance(ms);
    await Promise.resolve();
    if (signal.aborted) throw signal.reason;
  };
}
