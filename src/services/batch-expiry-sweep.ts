import type { BatchStore } from '../ports/batch-store.js';
import type { Clock } from '../ports/clock.js';
import type { SettleBatch } from './settle-batch.js';

export interface BatchExpirySweepDeps {
  store: Pick<BatchStore, 'listExpiredBatches'>;
  clock: Clock;
  settle: SettleBatch;
  /** Time from the end of one check to the start of the next. */
  intervalMs: number;
  logError(message: string, error: unknown): void;
}

const BATCHES_PER_CHECK = 100;

export interface BatchExpirySweep {
  /** Expires every batch past its window now; resolves with how many it expired. Never rejects. */
  sweepOnce(): Promise<number>;
  start(): void;
  /** Stops the timer and waits for a running check. Idempotent. */
  close(): Promise<void>;
}

/**
 * Ends batches still unfinished at the end of their completion window: each becomes `expired` with the results
 * it has (its remaining line jobs then find it finished and do nothing). Every API process may run it: the
 * store's compare-and-move lets one of them expire a batch.
 * @example const sweep = makeBatchExpirySweep({ store, clock, settle, intervalMs: 60_000, logError }); sweep.start();
 */
export function makeBatchExpirySweep(deps: BatchExpirySweepDeps): BatchExpirySweep {
  let running: Promise<number> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  async function sweep(): Promise<number> {
    let expired = 0;
    try {
      for (;;) {
        const due = await deps.store.listExpiredBatches({ at: deps.clock.now(), limit: BATCHES_PER_CHECK });
        for (const batch of due) {
          if ((await deps.settle.finishBatch(batch, 'expired')) !== null) expired += 1;
        }
        if (due.length < BATCHES_PER_CHECK || closed) return expired;
      }
    } catch (error) {
      deps.logError('batch expiry check failed', error);
      return expired;
    }
  }

  function sweepOnce(): Promise<number> {
    running ??= sweep().finally(() => {
      running = undefined;
    });
    return running;
  }

  function schedule(): void {
    if (closed) return;
    timer = setTimeout(() => {
      void sweepOnce().then(schedule);
    }, deps.intervalMs);
    timer.unref();
  }

  return {
    sweepOnce,
    start: () => schedule(),
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
