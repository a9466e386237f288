import { setTimeout as sleep } from 'node:timers/promises';
import type { InteractionSummary } from '../ports/interaction-store.js';
import type { AdminClient, InteractionFilter } from './admin-client.js';

/*
 * Interactions are logged when they end, by a batched writer, while listings are ordered by when they started:
 * a slow request that started before the newest row seen can still appear later. Each poll therefore looks back
 * this far behind the newest start seen and skips the ids already printed.
 */
const LOOKBACK_MS = 120_000;
const PAGE_LIMIT = 500;

export interface TailOptions {
  client: Pick<AdminClient, 'listInteractions'>;
  /** Filters applied to every poll (model, status, …); paging fields are the tail's own. */
  filter: Omit<InteractionFilter, 'since' | 'until' | 'cursor' | 'limit'>;
  intervalMs: number;
  /** How many of the newest existing interactions to print before following (1..500). */
  backlog: number;
  /** Receives interactions oldest first, each once. */
  onInteraction(summary: InteractionSummary): void;
  /** Ends the tail (Ctrl-C); it then resolves normally. */
  signal: AbortSignal;
  /** Stops after this many polls (the first included); unbounded when absent. */
  maxPolls?: number;
}

function byStart(left: InteractionSummary, right: InteractionSummary): number {
  return left.startedAt - right.startedAt || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0);
}

/**
 * Prints (through `onInteraction`) the newest `backlog` interactions, then polls every `intervalMs` for those
 * that arrived since, until the signal aborts or `maxPolls` is reached. Errors of a poll are thrown, except the
 * abort itself.
 * @example await tailInteractions({ client, filter: { model: 'gpt-4o' }, intervalMs: 2000, backlog: 10, onInteraction: print, signal });
 */
export async function tailInteractions(options: TailOptions): Promise<void> {
  const { client, filter, signal } = options;
  const seen = new Map<string, number>();
  let newest: number | null = null;

  const fetchWindow = async (): Promise<InteractionSummary[]> => {
    const rows: InteractionSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.listInteractions({
        ...filter,
        limit: PAGE_LIMIT,
        ...(newest === null ? {} : { since: Math.max(0, newest - LOOKBACK_MS) }),
        ...(cursor === undefined ? {} : { cursor }),
      });
      rows.push(...page.data);
      // Without a lower bound there is no window to page through: the newest page is all that is new.
      cursor = newest === null ? undefined : (page.next_cursor ?? undefined);
    } while (cursor !== undefined && !signal.aborted);
    return rows;
  };

  const remember = (rows: readonly InteractionSummary[]): void => {
    for (const row of rows) {
      seen.set(row.id, row.startedAt);
      if (newest === null || row.startedAt > newest) newest = row.startedAt;
    }
    if (newest === null) return;
    const horizon = newest - LOOKBACK_MS;
    for (const [id, startedAt] of seen) if (startedAt < horizon) seen.delete(id);
  };

  const deliver = (rows: InteractionSummary[]): void => {
    for (const row of rows.sort(byStart)) {
      if (signal.aborted) return;
      options.onInteraction(row);
    }
  };

  try {
    const backlog = (await client.listInteractions({ ...filter, limit: options.backlog })).data;
    remember(backlog);
    // The rest of the look-back window is old news: mark it seen so that the next poll does not print it.
    if (newest !== null) remember(await fetchWindow());
    deliver(backlog);
    for (let poll = 1; options.maxPolls === undefined || poll < options.maxPolls; poll += 1) {
      await sleep(options.intervalMs, undefined, { signal });
      const fresh = (await fetchWindow()).filter((row) => !seen.has(row.id));
      remember(fresh);
      deliver(fresh);
    }
  } catch (error) {
    if (signal.aborted) return;
    throw error;
  }
}
