import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InteractionRecord } from '../core/interaction.js';
import type { InteractionSpill } from '../ports/interaction-spill.js';
import type { InteractionStore } from '../ports/interaction-store.js';
import { createInteractionLogWriter, type InteractionLogWriterOptions } from './interaction-log-writer.js';

function interaction(id: string, content = `hello from ${id}`): InteractionRecord {
  return {
    id,
    endpoint: 'chat.completions',
    projectId: 'prj_1',
    apiKeyId: 'key_1',
    endUser: null,
    modelRequested: 'gpt-4o-mini',
    target: 'openai/gpt-4o-mini',
    variant: null,
    promptName: null,
    promptVersion: null,
    retrievedDocuments: [{ text: content }],
    batchId: null,
    stream: false,
    status: 'success',
    errorCode: null,
    errorMessage: null,
    request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content }] },
    response: { choices: [{ message: { role: 'assistant', content: 'ok' } }] },
    promptTokens: 5,
    completionTokens: 1,
    totalTokens: 6,
    costUsd: 0.0001,
    latencyMs: 120,
    ttftMs: null,
    startedAt: 1_700_000_000_000,
    trace: null,
    attempts: [],
  };
}

const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);

/** A store that keeps what it was given, and can be made to fail or to hold writes until released. */
class StoreDouble implements Pick<InteractionStore, 'appendInteractions'> {
  readonly rows = new Map<string, InteractionRecord>();
  /** Ids of every successful write, in order, duplicates included. */
  readonly storedIds: string[] = [];
  readonly calls: string[][] = [];
  failing = false;
  failuresLeft = 0;
  active = 0;
  maxActive = 0;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.gate = undefined;
    this.open?.();
  }

  async appendInteractions(records: readonly InteractionRecord[]): Promise<void> {
    this.calls.push(records.map((record) => record.id));
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      if (this.gate) await this.gate;
      if (this.failing || this.failuresLeft > 0) {
        this.failuresLeft = Math.max(0, this.failuresLeft - 1);
        throw new Error('database is unavailable');
      }
      for (const record of records) {
        this.storedIds.push(record.id);
        if (!this.rows.has(record.id)) this.rows.set(record.id, structuredClone(record));
      }
    } finally {
      this.active -= 1;
    }
  }
}

/** An in-memory spill that records what it was given. */
class SpillDouble implements InteractionSpill {
  readonly batches = new Map<string, InteractionRecord[]>();
  readonly appended: InteractionRecord[][] = [];
  failing = false;
  private sequence = 0;

  async append(records: readonly InteractionRecord[]): Promise<string> {
    if (this.failing) throw new Error('disk full');
    this.sequence += 1;
    const id = `batch-${String(this.sequence).padStart(4, '0')}`;
    this.batches.set(id, structuredClone([...records]));
    this.appended.push(structuredClone([...records]));
    return id;
  }

  async list(): Promise<string[]> {
    return [...this.batches.keys()].sort();
  }

  async read(id: string): Promise<InteractionRecord[]> {
    const batch = this.batches.get(id);
    if (!batch) throw new Error(`no batch ${id}`);
    return structuredClone(batch);
  }

  async remove(id: string): Promise<void> {
    this.batches.delete(id);
  }

  async count(): Promise<{ batches: number; records: number }> {
    let records = 0;
    for (const batch of this.batches.values()) records += batch.length;
    return { batches: this.batches.size, records };
  }
}

/** Replaces every "secret" in the user's message, as a redactor of personal data would. */
function redactSecrets(record: InteractionRecord): InteractionRecord {
  return JSON.parse(JSON.stringify(record).replaceAll('secret', '[REDACTED]')) as InteractionRecord;
}

describe('interaction log writer', () => {
  let store: StoreDouble;
  let spill: SpillDouble;
  let errors: string[];

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    store = new StoreDouble();
    spill = new SpillDouble();
    errors = [];
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  function writer(overrides: Partial<InteractionLogWriterOptions> = {}) {
    return createInteractionLogWriter({
      store,
      spill,
      redact: redactSecrets,
      batchSize: 3,
      flushIntervalMs: 1_000,
      bufferLimit: 100,
      retryDelayMs: { initial: 100, max: 400 },
      logError: (message) => errors.push(message),
      ...overrides,
    });
  }

  /**
   * Lets the writer run as far as it can without the clock moving. Only timeouts are faked: the writer yields to
   * the event loop through setImmediate, and each round lets one more step of such a chain run.
   */
  async function settle(): Promise<void> {
    for (let round = 0; round < 20; round++) {
      await vi.advanceTimersByTimeAsync(0);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async function advance(ms: number): Promise<void> {
    await vi.advanceTimersByTimeAsync(ms);
    await settle();
  }

  it('writes a batch as soon as it is full, and not before', async () => {
    const log = writer();
    void log.record(interaction('int_1'));
    void log.record(interaction('int_2'));
    await settle();
    expect(store.calls).toEqual([]);

    void log.record(interaction('int_3'));
    await settle();
    expect(store.calls).toEqual([['int_1', 'int_2', 'int_3']]);
    expect(log.stats()).toMatchObject({ queued: 0, written: 3 });
  });

  it('writes a partial batch once the interval has passed since the first buffered record', async () => {
    const log = writer();
    void log.record(interaction('int_1'));
    await advance(600);
    void log.record(interaction('int_2'));
    await advance(399);
    expect(store.calls).toEqual([]);

    await advance(1);
    expect(store.calls).toEqual([['int_1', 'int_2']]);
  });

  it('restarts the interval for records left over after a full batch was taken', async () => {
    const log = writer();
    store.hold();
    for (const id of ids('int_', 7)) void log.record(interaction(id));
    store.release();
    await settle();
    expect(store.calls).toEqual([
      ['int_1', 'int_2', 'int_3'],
      ['int_4', 'int_5', 'int_6'],
    ]);

    await advance(1_000);
    expect(store.calls.at(-1)).toEqual(['int_7']);
  });

  it('returns nothing to wait for while there is room (the fast path)', () => {
    const log = writer();
    expect(log.record(interaction('int_1'))).toBeUndefined();
  });

  it('writes one batch at a time while the next accumulates and is redacted meanwhile', async () => {
    const redact = vi.fn(redactSecrets);
    const log = writer({ redact });
    store.hold();
    for (const id of ids('int_', 7)) void log.record(interaction(id));
    await settle();
    expect(store.calls).toEqual([['int_1', 'int_2', 'int_3']]);
    expect(redact).toHaveBeenCalledTimes(6);

    store.release();
    await settle();
    expect(store.calls).toEqual([
      ['int_1', 'int_2', 'int_3'],
      ['int_4', 'int_5', 'int_6'],
    ]);
    expect(store.maxActive).toBe(1);

    await log.flush();
    expect(store.calls.at(-1)).toEqual(['int_7']);
  });

  it('flush and close write everything buffered; record after close throws', async () => {
    const log = writer({ batchSize: 10 });
    void log.record(interaction('int_1'));
    await log.flush();
    expect(store.storedIds).toEqual(['int_1']);

    void log.record(interaction('int_2'));
    void log.record(interaction('int_3'));
    await log.close();
    expect(store.storedIds).toEqual(['int_1', 'int_2', 'int_3']);
    expect(() => log.record(interaction('int_4'))).toThrow(
      expect.objectContaining({ code: 'internal_error' }),
    );
    await expect(log.close()).resolves.toBeUndefined();
  });

  it('redacts at flush time, before storing', async () => {
    const redact = vi.fn(redactSecrets);
    const log = writer({ redact });
    void log.record(interaction('int_1', 'my secret is 42'));
    expect(redact).not.toHaveBeenCalled();

    await log.flush();
    expect(redact).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(store.rows.get('int_1'))).not.toContain('secret');
    expect(JSON.stringify(store.rows.get('int_1'))).toContain('my [REDACTED] is 42');
  });

  it('never redacts on the caller of record, even when its record fills a batch', async () => {
    const redact = vi.fn(redactSecrets);
    const log = writer({ redact, batchSize: 40 });
    for (const id of ids('int_', 40)) void log.record(interaction(id, `secret ${id}`));
    expect(redact).not.toHaveBeenCalled();

    await settle();
    expect(redact).toHaveBeenCalledTimes(40);
    expect(store.storedIds).toEqual(ids('int_', 40));
    expect(JSON.stringify([...store.rows.values()])).not.toContain('secret');
  });

  it('drops the texts of a record whose redaction throws, counts it, and stores the rest', async () => {
    const log = writer({
      redact: (record) => {
        if (record.id === 'int_bad') throw new Error('redactor crashed');
        return redactSecrets(record);
      },
    });
    void log.record(interaction('int_ok', 'a secret'));
    void log.record(interaction('int_bad', 'another secret'));
    await log.flush();

    const bad = store.rows.get('int_bad');
    expect(bad).toMatchObject({
      id: 'int_bad',
      request: { redaction_failed: true },
      response: { redaction_failed: true },
      retrievedDocuments: [],
      promptTokens: 5,
    });
    expect(JSON.stringify(bad)).not.toContain('secret');
    expect(store.rows.get('int_ok')?.request).toEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'a [REDACTED]' }],
    });
    expect(log.stats().redactionFailures).toBe(1);
    expect(errors.some((message) => message.includes('int_bad'))).toBe(true);
  });

  it('retries a failed write with growing backoff until it succeeds, losing and duplicating nothing', async () => {
    const log = writer();
    store.failuresLeft = 2;
    for (const id of ids('int_', 3)) void log.record(interaction(id));
    await settle();
    expect(store.calls).toHaveLength(1);

    await advance(99);
    expect(store.calls).toHaveLength(1);
    await advance(1);
    expect(store.calls).toHaveLength(2);
    await advance(199);
    expect(store.calls).toHaveLength(2);
    await advance(1);
    expect(store.calls).toHaveLength(3);

    expect(store.storedIds).toEqual(['int_1', 'int_2', 'int_3']);
    expect(log.stats()).toMatchObject({ written: 3, writeFailures: 2, spilled: 0, queued: 0 });
    expect(errors).toHaveLength(2);
  });

  it('keeps retrying under load without losing records once the store comes back', async () => {
    const log = writer({ bufferLimit: 1_000 });
    store.failing = true;
    const all = ids('int_', 50);
    for (const id of all) void log.record(interaction(id));
    await advance(2_000);
    expect(store.storedIds).toEqual([]);

    store.failing = false;
    await advance(400);
    await log.flush();
    expect(store.storedIds).toEqual(all);
    expect(new Set(store.storedIds).size).toBe(all.length);
  });

  it('makes callers wait when the buffer is full and lets them in once room frees', async () => {
    const log = writer({ batchSize: 2, bufferLimit: 4 });
    store.hold();
    for (const id of ids('int_', 4)) expect(log.record(interaction(id))).toBeUndefined();
    let admitted = false;
    const waiting = log.record(interaction('int_5'));
    expect(waiting).toBeInstanceOf(Promise);
    void waiting?.then(() => (admitted = true));
    await settle();
    expect(admitted).toBe(false);
    expect(log.stats()).toMatchObject({ queued: 5, backpressureWaits: 1 });

    store.release();
    await settle();
    expect(admitted).toBe(true);
    await log.close();
    expect(store.storedIds).toEqual(ids('int_', 5));
  });

  it('spills the oldest batch while the store keeps failing and the buffer is full, then replays it', async () => {
    const log = writer({ batchSize: 2, bufferLimit: 4, spillAfterFailures: 2 });
    store.failing = true;
    for (const id of ids('int_', 4)) void log.record(interaction(id, `secret of ${id}`));
    await settle();
    const fifth = log.record(interaction('int_5', 'secret of int_5'));
    let admitted = false;
    void fifth?.then(() => (admitted = true));

    // One failure is not enough to give up on the store: the caller keeps waiting.
    await settle();
    expect(admitted).toBe(false);
    expect(spill.appended).toEqual([]);

    // The second failure spills the batch being retried, the oldest, and frees room.
    await advance(100);
    expect(admitted).toBe(true);
    expect(spill.appended.map((batch) => batch.map((record) => record.id))).toEqual([['int_1', 'int_2']]);
    expect(JSON.stringify(spill.appended)).not.toContain('secret');
    expect(log.stats()).toMatchObject({ spilled: 2, queued: 3 });

    store.failing = false;
    await advance(400);
    await log.flush();
    await settle();
    expect(spill.batches.size).toBe(0);
    expect([...store.storedIds].sort()).toEqual(ids('int_', 5));
    expect(new Set(store.storedIds).size).toBe(5);
    expect(log.stats()).toMatchObject({ spilled: 2, replayed: 2, written: 3, queued: 0 });
    expect(JSON.stringify([...store.rows.values()])).not.toContain('secret');
  });

  it('redacts the batches it spills straight from the buffer too', async () => {
    const log = writer({ batchSize: 2, bufferLimit: 6, spillAfterFailures: 1 });
    store.failing = true;
    for (const id of ids('int_', 6)) void log.record(interaction(id, `secret of ${id}`));
    await settle();
    const waiting = ids('int_', 9)
      .slice(6)
      .map((id) => log.record(interaction(id, `secret of ${id}`)));
    await settle();
    await Promise.all(waiting);

    expect(spill.appended.map((batch) => batch.map((record) => record.id))).toEqual([
      ['int_1', 'int_2'],
      ['int_3', 'int_4'],
    ]);
    expect(JSON.stringify(spill.appended)).not.toContain('secret');
    expect(log.stats()).toMatchObject({ spilled: 4, queued: 5, backpressureWaits: 3 });
  });

  it('keeps records in memory when both the store and the spill fail, and stores them later', async () => {
    const log = writer({ batchSize: 2, bufferLimit: 2, spillAfterFailures: 1 });
    store.failing = true;
    spill.failing = true;
    void log.record(interaction('int_1'));
    void log.record(interaction('int_2'));
    await settle();
    const third = log.record(interaction('int_3'));
    await advance(1_000);
    expect(log.stats()).toMatchObject({ queued: 3, spilled: 0 });
    expect(errors.some((message) => message.includes('Spilling'))).toBe(true);

    store.failing = false;
    await advance(400);
    await third;
    await log.flush();
    expect(store.storedIds).toEqual(['int_1', 'int_2', 'int_3']);
  });

  it('replays batches spilled by an earlier run, then removes them', async () => {
    await spill.append([interaction('int_old1'), interaction('int_old2')]);
    await spill.append([interaction('int_old3')]);
    const log = writer();

    await expect(log.replaySpilled()).resolves.toBe(3);
    expect(store.storedIds).toEqual(['int_old1', 'int_old2', 'int_old3']);
    expect(spill.batches.size).toBe(0);
    expect(log.stats().replayed).toBe(3);
  });

  it('reports a replay that the store refuses, and replays after the next successful write', async () => {
    await spill.append([interaction('int_old1')]);
    const log = writer();
    store.failuresLeft = 1;
    await expect(log.replaySpilled()).rejects.toThrow('database is unavailable');
    expect(spill.batches.size).toBe(1);

    for (const id of ids('int_', 3)) void log.record(interaction(id));
    await settle();
    expect(store.storedIds).toEqual(['int_1', 'int_2', 'int_3', 'int_old1']);
    expect(spill.batches.size).toBe(0);
    expect(log.stats()).toMatchObject({ writeFailures: 1, replayed: 1, written: 3 });
  });

  it('under steady load, replays one spilled batch between live batches', async () => {
    await spill.append([interaction('int_old1')]);
    await spill.append([interaction('int_old2')]);
    const log = writer();
    store.failuresLeft = 1;
    await expect(log.replaySpilled()).rejects.toThrow();

    for (const id of ids('int_', 9)) void log.record(interaction(id));
    await settle();
    expect(store.storedIds).toEqual([
      ...['int_1', 'int_2', 'int_3', 'int_old1'],
      ...['int_4', 'int_5', 'int_6', 'int_old2'],
      ...['int_7', 'int_8', 'int_9'],
    ]);
  });

  it('skips a spilled batch that cannot be read, leaving it in place', async () => {
    await spill.append([interaction('int_old1')]);
    spill.batches.set('batch-0000', []);
    const read = spill.read.bind(spill);
    spill.read = async (id) => {
      if (id === 'batch-0000') throw new Error('corrupt');
      return read(id);
    };
    const log = writer();
    await expect(log.replaySpilled()).resolves.toBe(1);
    expect(store.storedIds).toEqual(['int_old1']);
    expect([...spill.batches.keys()]).toEqual(['batch-0000']);
    expect(errors.some((message) => message.includes('batch-0000'))).toBe(true);
  });

  it('at close, spills what a failing store will not take instead of waiting for it', async () => {
    const log = writer();
    store.failing = true;
    for (const id of ids('int_', 5)) void log.record(interaction(id, 'secret'));
    await settle();

    await log.close();
    // Once the store failed, shutdown does not wait on it again for the remaining batches.
    expect(store.calls).toEqual([['int_1', 'int_2', 'int_3']]);
    expect(spill.appended.flat().map((record) => record.id)).toEqual(ids('int_', 5));
    expect(JSON.stringify(spill.appended)).not.toContain('secret');
    expect(log.stats()).toMatchObject({ queued: 0, spilled: 5 });
  });

  it('at close, rejects when records can be neither stored nor spilled', async () => {
    const log = writer();
    store.failing = true;
    spill.failing = true;
    void log.record(interaction('int_1'));
    await expect(log.close()).rejects.toMatchObject({ code: 'internal_error' });
    expect(log.stats().queued).toBe(1);
  });

  it('at close, takes in the callers that were waiting for room', async () => {
    const log = writer({ batchSize: 2, bufferLimit: 2 });
    store.hold();
    void log.record(interaction('int_1'));
    void log.record(interaction('int_2'));
    const third = log.record(interaction('int_3'));
    const closing = log.close();
    await third;
    store.release();
    await closing;
    expect(store.storedIds).toEqual(['int_1', 'int_2', 'int_3']);
  });

  it('refuses a batch size or buffer limit that is not a positive integer', () => {
    expect(() => writer({ batchSize: 0 })).toThrow(expect.objectContaining({ code: 'invalid_request' }));
    expect(() => writer({ bufferLimit: 1.5 })).toThrow(expect.objectContaining({ code: 'invalid_request' }));
  });
});
