import { SlipwayError } from '../core/errors.js';
import type { InteractionRecord } from '../core/interaction.js';
import type { InteractionSink } from '../ports/interaction-sink.js';
import type { InteractionSpill } from '../ports/interaction-spill.js';
import type { InteractionStore } from '../ports/interaction-store.js';

export interface InteractionLogWriterOptions {
  store: Pick<InteractionStore, 'appendInteractions'>;
  /**
   * Applied to every record at flush time, before it is stored or spilled. When it throws, the record is kept
   * without its request, response and retrieved documents (replaced by `{ redaction_failed: true }` and `[]`).
   */
  redact: (record: InteractionRecord) => InteractionRecord;
  spill: InteractionSpill;
  /** Records per store write; a full batch is flushed at once. */
  batchSize: number;
  /** Longest a record waits for a flush, counted from the first record buffered. */
  flushIntervalMs: number;
  /** Records held in memory (buffered, being written or being spilled) beyond which `record` makes callers wait. */
  bufferLimit: number;
  /** Consecutive failed store writes after which a full buffer spills its oldest batch instead of waiting. Default 3. */
  spillAfterFailures?: number;
  /** Backoff between retries of a failed store write: doubles from `initial` up to `max`. Default 100 ms to 5 s. */
  retryDelayMs?: { initial: number; max: number };
  /** Reports failures: store writes, spills, unreadable spilled batches, redaction. */
  logError: (message: string, error: unknown) => void;
}

interface InteractionLogWriterStats {
  /** Records in memory: buffered, being written or spilled, or waiting for room. */
  queued: number;
  /** Records stored from memory. */
  written: number;
  /** Records written to the spill. */
  spilled: number;
  /** Records moved from the spill into the store. */
  replayed: number;
  /** Records whose redaction threw (their texts were dropped). */
  redactionFailures: number;
  /** Failed store writes, each retry counted. */
  writeFailures: number;
  /** Calls to `record` that had to wait for room. */
  backpressureWaits: number;
}

/**
 * The batched, off-the-hot-path writer of the interaction log.
 *
 * Contract:
 * - `record` only pushes the record to a buffer while there is room; when the buffer is full it returns a
 *   promise that resolves once the record has been taken in (first come, first served).
 * - Records are redacted at flush time, never on the caller of `record`: in short slices between which the
 *   event loop runs, the next batch while the current one is being written. Nothing reaches the store or the
 *   spill unredacted.
 * - Batches of at most `batchSize` are stored one store write at a time. A failed write is retried with backoff
 *   (the store is idempotent by id, so a retry never duplicates).
 * - While the store keeps failing and callers wait for room, the oldest batch goes to the spill instead. Spilled
 *   batches are replayed into the store by `replaySpilled()` (call it at start) and after writes succeed again.
 * - `flush` resolves once every record taken in before the call is stored or spilled. `close` does the same
 *   without waiting on a failing store (what it cannot store it spills), and rejects with `internal_error` if
 *   records could be neither stored nor spilled; `record` throws `internal_error` once `close` was called.
 *
 * @example
 * const writer = createInteractionLogWriter({ store, redact, spill, batchSize: 500, flushIntervalMs: 200,
 *   bufferLimit: 20_000, logError: (message, error) => logger.error({ err: error }, message) });
 * await writer.replaySpilled();
 * await writer.record(interaction);
 */
export interface InteractionLogWriter extends InteractionSink {
  flush(): Promise<void>;
  close(): Promise<void>;
  /**
   * Stores every spilled batch and removes it from the spill; resolves with the records replayed. Rejects with
   * the store's error when a write fails (what is left stays spilled and is replayed after the next good write).
   */
  replaySpilled(): Promise<number>;
  stats(): InteractionLogWriterStats;
}

const REDACTION_FAILED = Object.freeze({ redaction_failed: true });
/**
 * Records redacted between two yields to the event loop. Redacting a whole batch at once would stall every
 * request in flight for as long (milliseconds for hundreds of records); slices keep each stall short.
 */
const REDACTION_SLICE = 32;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export function createInteractionLogWriter(options: InteractionLogWriterOptions): InteractionLogWriter {
  const { store, redact, spill, batchSize, flushIntervalMs, bufferLimit, logError } = options;
  const spillAfterFailures = options.spillAfterFailures ?? 3;
  const retryInitialMs = options.retryDelayMs?.initial ?? 100;
  const retryMaxMs = options.retryDelayMs?.max ?? 5_000;
  for (const [name, value] of [
    ['batchSize', batchSize],
    ['bufferLimit', bufferLimit],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new SlipwayError('invalid_request', `${name} must be a positive integer`, { param: name });
    }
  }

  const counts = {
    written: 0,
    spilled: 0,
    replayed: 0,
    redactionFailures: 0,
    writeFailures: 0,
    backpressureWaits: 0,
  };

  /** Records taken in and not yet redacted, oldest first. */
  let buffer: InteractionRecord[] = [];
  /** Redacted batches waiting for the store (a spill that failed puts its batch back here), oldest first. */
  const ready: InteractionRecord[][] = [];
  /** The batch being written or waiting to be retried. */
  let inFlight: InteractionRecord[] | undefined;
  /** The next batch, being redacted while the one in flight is written; it then goes to `ready`. */
  let preparing: Promise<void> | undefined;
  /** Every record in memory except the waiters': buffer, ready, in flight, being spilled, unsaved at close. */
  let held = 0;
  const waiters: Array<{ record: InteractionRecord; resolve: () => void }> = [];

  // Monotonic counts of records taken in and taken out of `buffer`, so that `flush` knows when it is done.
  let takenIn = 0;
  let takenOut = 0;
  let flushTarget = 0;

  let timer: NodeJS.Timeout | undefined;
  let timerDue = false;
  let draining = false;
  let drainRun: Promise<void> = Promise.resolve();
  let spilling = false;
  let spillRun: Promise<void> = Promise.resolve();
  let retryWait: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  let consecutiveFailures = 0;
  // Store writes (live batches and replays) are serialized: one flush at a time.
  let storeTurn: Promise<unknown> = Promise.resolve();

  let backlog = false;
  let replayQueue: string[] = [];
  const unreadable = new Set<string>();

  let closed = false;
  let closeRun: Promise<void> | undefined;
  let unsaved = 0;

  function takeIn(record: InteractionRecord): void {
    buffer.push(record);
    held += 1;
    takenIn += 1;
    if (buffer.length >= batchSize) kick();
    else if (timer === undefined && !closed) startTimer();
  }

  function startTimer(): void {
    timer = setTimeout(() => {
      timer = undefined;
      timerDue = true;
      kick();
    }, flushIntervalMs);
    // A pending flush must not keep the process alive; `close` is what flushes at shutdown.
    timer.unref();
  }

  function takeBatchFromBuffer(): InteractionRecord[] {
    let batch: InteractionRecord[];
    if (buffer.length <= batchSize) {
      batch = buffer;
      buffer = [];
    } else {
      batch = buffer.splice(0, batchSize);
    }
    takenOut += batch.length;
    clearTimeout(timer);
    timer = undefined;
    timerDue = false;
    if (buffer.length > 0 && !closed) startTimer();
    return batch;
  }

  /** Redacts in place; the first slice too waits for the event loop, so that `record` never pays for it. */
  async function redactBatch(batch: InteractionRecord[]): Promise<void> {
    for (let i = 0; i < batch.length; i++) {
      if (i % REDACTION_SLICE === 0) await yieldToEventLoop();
      batch[i] = redactSafely(batch[i] as InteractionRecord);
    }
  }

  function redactSafely(record: InteractionRecord): InteractionRecord {
    try {
      return redact(record);
    } catch (error) {
      counts.redactionFailures += 1;
      logError(`Redacting interaction ${record.id} failed: its request and response were dropped`, error);
      return { ...record, request: REDACTION_FAILED, response: REDACTION_FAILED, retrievedDocuments: [] };
    }
  }

  function bufferIsDue(): boolean {
    if (buffer.length === 0) return false;
    return buffer.length >= batchSize || timerDue || closed || takenOut < flushTarget;
  }

  function release(records: number): void {
    held -= records;
    while (held < bufferLimit) {
      const waiter = waiters.shift();
      if (waiter === undefined) break;
      takeIn(waiter.record);
      waiter.resolve();
    }
  }

  function exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = storeTurn.then(task);
    storeTurn = result.catch(() => undefined);
    return result;
  }

  function noteWriteFailure(message: string, error: unknown): void {
    counts.writeFailures += 1;
    consecutiveFailures += 1;
    logError(`${message} (${consecutiveFailures} failed writes in a row)`, error);
  }

  function kick(): void {
    if (draining) return;
    draining = true;
    drainRun = drain();
  }

  async function drain(): Promise<void> {
    try {
      for (;;) {
        if (inFlight === undefined) {
          await preparing;
          inFlight = ready.shift();
          if (inFlight === undefined && bufferIsDue()) {
            // In flight from here on, so that `flush` waits for it; only the drain touches it until it is written.
            inFlight = takeBatchFromBuffer();
            await redactBatch(inFlight);
          }
        }
        if (inFlight !== undefined) {
          await writeInFlight(inFlight);
        } else if (backlog && !closed && consecutiveFailures === 0) {
          await replayStepNoting();
        } else {
          return;
        }
      }
    } finally {
      draining = false;
    }
  }

  async function writeInFlight(batch: InteractionRecord[]): Promise<void> {
    if (closed && consecutiveFailures > 0) {
      inFlight = undefined;
      await spillAtClose(batch);
      return;
    }
    prepareNextBatch();
    try {
      await exclusive(() => store.appendInteractions(batch));
    } catch (error) {
      noteWriteFailure(`Storing ${batch.length} interactions failed`, error);
      if (closed) {
        inFlight = undefined;
        await spillAtClose(batch);
        return;
      }
      // The wait is set up first so that the spill may take this batch, the oldest, while it waits.
      const retry = waitBeforeRetry();
      startSpilling();
      await retry;
      return;
    }
    inFlight = undefined;
    consecutiveFailures = 0;
    counts.written += batch.length;
    release(batch.length);
    if (backlog && !closed) await replayStepNoting();
  }

  /**
   * Redaction is CPU work and a store write mostly waiting on the database: redacting the next batch during the
   * write keeps redaction off the critical path (on PostgreSQL; SQLite writes on this thread anyway).
   */
  function prepareNextBatch(): void {
    if (preparing !== undefined || ready.length > 0 || !bufferIsDue()) return;
    const batch = takeBatchFromBuffer();
    preparing = redactBatch(batch).then(() => {
      ready.push(batch);
      preparing = undefined;
    });
  }

  function waitBeforeRetry(): Promise<void> {
    const delay = Math.min(retryMaxMs, retryInitialMs * 2 ** (consecutiveFailures - 1));
    return new Promise((resolve) => {
      retryWait = {
        timer: setTimeout(() => {
          retryWait = undefined;
          resolve();
        }, delay),
        resolve,
      };
    });
  }

  function stopWaitingBeforeRetry(): void {
    if (retryWait === undefined) return;
    clearTimeout(retryWait.timer);
    retryWait.resolve();
    retryWait = undefined;
  }

  async function spillAtClose(batch: InteractionRecord[]): Promise<void> {
    try {
      await spill.append(batch);
    } catch (error) {
      unsaved += batch.length;
      logError(`Spilling ${batch.length} interactions at close failed: they are not saved`, error);
      return;
    }
    counts.spilled += batch.length;
    release(batch.length);
  }

  function startSpilling(): void {
    if (spilling || closed || waiters.length === 0 || consecutiveFailures < spillAfterFailures) return;
    spilling = true;
    spillRun = spillOldestBatches();
  }

  /** The batch waiting for a retry is the oldest; it can go while the drain is not in the middle of writing it. */
  function takeOldestBatch(): { batch: InteractionRecord[]; redacted: boolean } | undefined {
    if (inFlight !== undefined && retryWait !== undefined) {
      const batch = inFlight;
      inFlight = undefined;
      return { batch, redacted: true };
    }
    const batch = ready.shift();
    if (batch !== undefined) return { batch, redacted: true };
    return buffer.length > 0 ? { batch: takeBatchFromBuffer(), redacted: false } : undefined;
  }

  async function spillOldestBatches(): Promise<void> {
    try {
      while (waiters.length > 0 && consecutiveFailures >= spillAfterFailures && !closed) {
        const oldest = takeOldestBatch();
        if (oldest === undefined) return;
        const batch = oldest.batch;
        if (!oldest.redacted) await redactBatch(batch);
        try {
          await spill.append(batch);
        } catch (error) {
          logError(`Spilling ${batch.length} interactions failed: they stay in memory`, error);
          ready.unshift(batch);
          kick();
          return;
        }
        counts.spilled += batch.length;
        backlog = true;
        release(batch.length);
      }
    } finally {
      spilling = false;
    }
  }

  /** Replays the oldest spilled batch; undefined when there is none left. Store failures are thrown. */
  function replayStep(): Promise<number | undefined> {
    return exclusive(async () => {
      if (replayQueue.length === 0) {
        try {
          replayQueue = (await spill.list()).filter((id) => !unreadable.has(id));
        } catch (error) {
          logError('Listing spilled interactions failed: replay postponed to the next spill', error);
          replayQueue = [];
        }
        if (replayQueue.length === 0) {
          backlog = false;
          return undefined;
        }
      }
      const id = replayQueue[0] as string;
      let records: InteractionRecord[];
      try {
        records = await spill.read(id);
      } catch (error) {
        logError(`Spilled batch ${id} cannot be read: it is left in place`, error);
        unreadable.add(id);
        replayQueue.shift();
        return 0;
      }
      await store.appendInteractions(records);
      consecutiveFailures = 0;
      replayQueue.shift();
      counts.replayed += records.length;
      try {
        await spill.remove(id);
      } catch (error) {
        // Stored already: replaying it again later would be harmless (idempotent), so only skip it here.
        logError(`Removing replayed spilled batch ${id} failed`, error);
        unreadable.add(id);
      }
      return records.length;
    });
  }

  async function replayStepNoting(): Promise<void> {
    try {
      await replayStep();
    } catch (error) {
      noteWriteFailure('Replaying spilled interactions failed', error);
    }
  }

  async function closeOnce(): Promise<void> {
    closed = true;
    clearTimeout(timer);
    timer = undefined;
    for (const waiter of waiters.splice(0)) {
      takeIn(waiter.record);
      waiter.resolve();
    }
    stopWaitingBeforeRetry();
    await spillRun;
    kick();
    await drainRun;
    if (unsaved > 0) {
      throw new SlipwayError('internal_error', `${unsaved} interactions could be neither stored nor spilled`);
    }
  }

  return {
    record(interaction) {
      if (closed) throw new SlipwayError('internal_error', 'The interaction log writer is closed');
      if (held < bufferLimit && waiters.length === 0) {
        takeIn(interaction);
        return;
      }
      counts.backpressureWaits += 1;
      return new Promise<void>((resolve) => {
        waiters.push({ record: interaction, resolve });
        startSpilling();
      });
    },

    async flush() {
      flushTarget = Math.max(flushTarget, takenIn);
      for (;;) {
        await spillRun;
        const idle = inFlight === undefined && preparing === undefined && ready.length === 0 && !spilling;
        if (idle && takenOut >= flushTarget) return;
        kick();
        await drainRun;
      }
    },

    close() {
      closeRun ??= closeOnce();
      return closeRun;
    },

    async replaySpilled() {
      backlog = true;
      let total = 0;
      for (;;) {
        let replayed: number | undefined;
        try {
          replayed = await replayStep();
        } catch (error) {
          noteWriteFailure('Replaying spilled interactions failed', error);
          throw error;
        }
        if (replayed === undefined) return total;
        total += replayed;
      }
    },

    stats() {
      return { queued: held + waiters.length, ...counts };
    },
  };
}
