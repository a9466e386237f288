import { describe, expect, it } from 'vitest';
import type { InteractionSummary } from '../ports/interaction-store.js';
import type { InteractionFilter, InteractionList } from './admin-client.js';
import { tailInteractions } from './tail-interactions.js';

function summary(id: string, startedAt: number, model = 'gpt-4o'): InteractionSummary {
  return {
    id,
    endpoint: 'chat.completions',
    projectId: 'p1',
    apiKeyId: 'k1',
    endUser: null,
    modelRequested: model,
    target: 'openai/gpt-4o',
    variant: null,
    promptName: null,
    promptVersion: null,
    batchId: null,
    stream: false,
    status: 'success',
    errorCode: null,
    errorMessage: null,
    promptTokens: 10,
    completionTokens: 5,
    totalTokens: 15,
    costUsd: 0.0001,
    latencyMs: 300,
    ttftMs: null,
    startedAt,
    attemptCount: 1,
  };
}

/**
 * An in-memory interaction listing with the admin API's semantics: newest first, `since` inclusive, pages of
 * `limit` with an offset cursor. `beforePoll` runs before each listing call so tests can add rows "meanwhile".
 */
class FakeLog {
  readonly rows: InteractionSummary[] = [];
  readonly calls: InteractionFilter[] = [];
  beforePoll: (call: number) => void = () => undefined;

  listInteractions = async (filter: InteractionFilter): Promise<InteractionList> => {
    this.beforePoll(this.calls.length);
    this.calls.push(filter);
    const matching = this.rows
      .filter((row) => filter.model === undefined || row.modelRequested === filter.model)
      .filter((row) => filter.since === undefined || row.startedAt >= filter.since)
      .sort((left, right) => right.startedAt - left.startedAt || right.id.localeCompare(left.id));
    const offset = filter.cursor === undefined ? 0 : Number(filter.cursor);
    const limit = filter.limit ?? 100;
    const data = matching.slice(offset, offset + limit);
    const next = offset + limit < matching.length ? String(offset + limit) : null;
    return { data, next_cursor: next };
  };
}

async function collect(log: FakeLog, options: { maxPolls: number; backlog?: number; model?: string }) {
  const seen: string[] = [];
  await tailInteractions({
    client: log,
    filter: options.model === undefined ? {} : { model: options.model },
    intervalMs: 1,
    backlog: options.backlog ?? 2,
    onInteraction: (row) => seen.push(row.id),
    signal: new AbortController().signal,
    maxPolls: options.maxPolls,
  });
  return seen;
}

describe('tailInteractions', () => {
  it('prints the newest backlog oldest first, then rows as they arrive, each once', async () => {
    const log = new FakeLog();
    log.rows.push(summary('a', 1_000), summary('b', 2_000), summary('c', 3_000));
    log.beforePoll = (call) => {
      if (call === 3) log.rows.push(summary('d', 4_000));
      if (call === 4) log.rows.push(summary('e', 5_000), summary('f', 5_000));
    };
    expect(await collect(log, { maxPolls: 5 })).toEqual(['b', 'c', 'd', 'e', 'f']);
  });

  it('picks up a row logged late whose start is older than rows already printed', async () => {
    const log = new FakeLog();
    log.rows.push(summary('a', 10_000));
    log.beforePoll = (call) => {
      // A slow request: started before `a` but written to the log after it.
      if (call === 2) log.rows.push(summary('slow', 9_000));
    };
    expect(await collect(log, { maxPolls: 3 })).toEqual(['a', 'slow']);
  });

  it('does not print older rows of the look-back window that were never in the backlog', async () => {
    const log = new FakeLog();
    for (let index = 0; index < 20; index += 1) log.rows.push(summary(`old-${index}`, 1_000 + index));
    log.beforePoll = (call) => {
      if (call === 3) log.rows.push(summary('new', 5_000));
    };
    expect(await collect(log, { maxPolls: 4, backlog: 1 })).toEqual(['old-19', 'new']);
  });

  it('pages through a poll whose new rows exceed one page', async () => {
    const log = new FakeLog();
    log.rows.push(summary('first', 1_000));
    log.beforePoll = (call) => {
      if (call === 2)
        for (let index = 0; index < 600; index += 1) log.rows.push(summary(`n${index}`, 2_000 + index));
    };
    const seen = await collect(log, { maxPolls: 2, backlog: 1 });
    expect(seen).toHaveLength(601);
    expect(new Set(seen).size).toBe(601);
    expect(log.calls.some((call) => call.cursor !== undefined)).toBe(true);
  });

  it('starts following from an empty log', async () => {
    const log = new FakeLog();
    log.beforePoll = (call) => {
      if (call === 1) log.rows.push(summary('x', 1_000));
      if (call === 3) log.rows.push(summary('y', 2_000));
    };
    expect(await collect(log, { maxPolls: 4 })).toEqual(['x', 'y']);
  });

  it('passes the filter on every poll and asks only for the look-back window once rows were seen', async () => {
    const log = new FakeLog();
    log.rows.push(summary('a', 500_000, 'gpt-4o'), summary('b', 500_001, 'embed'));
    expect(await collect(log, { maxPolls: 2, model: 'gpt-4o' })).toEqual(['a']);
    expect(log.calls.every((call) => call.model === 'gpt-4o')).toBe(true);
    expect(log.calls.at(-1)?.since).toBe(500_000 - 120_000);
  });

  it('ends without error when the signal aborts while waiting', async () => {
    const log = new FakeLog();
    const controller = new AbortController();
    log.beforePoll = (call) => {
      if (call === 2) controller.abort();
    };
    await expect(
      tailInteractions({
        client: log,
        filter: {},
        intervalMs: 1,
        backlog: 10,
        onInteraction: () => undefined,
        signal: controller.signal,
      }),
    ).resolves.toBeUndefined();
  });

  it('throws the error of a failed poll', async () => {
    const client = {
      listInteractions: async (): Promise<InteractionList> => {
        throw new Error('boom');
      },
    };
    await expect(
      tailInteractions({
        client,
        filter: {},
        intervalMs: 1,
        backlog: 10,
        onInteraction: () => undefined,
        signal: new AbortController().signal,
        maxPolls: 1,
      }),
    ).rejects.toThrow('boom');
  });
});
