import type { InteractionStatus } from '../../api/types.js';
import type { InteractionSort as StoreSort } from '../../../../ports/interaction-store.js';

export const INTERACTION_SORTS = ['recent', 'cost', 'latency'] as const satisfies readonly StoreSort[];
export type InteractionSort = (typeof INTERACTION_SORTS)[number];

export const INTERACTION_STATUSES = [
  'success',
  'error',
  'incomplete',
] as const satisfies readonly InteractionStatus[];

/** `all` applies no time bound; `custom` uses `since`/`until`; the others are relative to the moment of the fetch. */
export const TIME_RANGES = ['all', '1h', '24h', '7d', 'yesterday', 'custom'] as const;
export type TimeRange = (typeof TIME_RANGES)[number];

/** The text filters, named as the page's URL and the API name them. */
const TEXT_FILTERS = ['q', 'project', 'key', 'model', 'target', 'user', 'prompt'] as const;
type TextFilter = (typeof TEXT_FILTERS)[number];

/** The numeric filters: URL/API name → the field that holds it. */
const NUMBER_FILTERS = {
  min_cost: 'minCost',
  max_cost: 'maxCost',
  min_latency: 'minLatency',
  max_latency: 'maxLatency',
} as const;

/**
 * Everything the explorer filters and sorts by. It lives in the page's URL query string, so that a view can be
 * shared as a link and the back button undoes a filter change. Empty text means "no filter".
 */
export type InteractionFilters = Record<TextFilter, string> & {
  status: InteractionStatus | null;
  /** USD. */
  minCost: number | null;
  maxCost: number | null;
  /** Milliseconds. */
  minLatency: number | null;
  maxLatency: number | null;
  range: TimeRange;
  /** Milliseconds since epoch, used when `range` is `custom`. */
  since: number | null;
  until: number | null;
  sort: InteractionSort;
};

export const EMPTY_FILTERS: Readonly<InteractionFilters> = Object.freeze({
  q: '',
  project: '',
  key: '',
  model: '',
  target: '',
  user: '',
  prompt: '',
  status: null,
  minCost: null,
  maxCost: null,
  minLatency: null,
  maxLatency: null,
  range: 'all',
  since: null,
  until: null,
  sort: 'recent',
});

const HOUR_MS = 3_600_000;
const RELATIVE_RANGE_MS = { '1h': HOUR_MS, '24h': 24 * HOUR_MS, '7d': 7 * 24 * HOUR_MS } as const;

function oneOf<T extends string>(values: readonly T[], text: string | null): T | null {
  return values.find((value) => value === text) ?? null;
}

function nonNegativeNumber(text: string | null): number | null {
  if (text === null || text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : null;
}

function epochMs(text: string | null): number | null {
  if (text === null || !/^\d{1,15}$/.test(text)) return null;
  return Number(text);
}

/** The filters a URL query string describes; unknown or malformed values fall back to "no filter". */
export function parseInteractionFilters(params: URLSearchParams): InteractionFilters {
  const filters: InteractionFilters = { ...EMPTY_FILTERS };
  for (const name of TEXT_FILTERS) filters[name] = params.get(name)?.trim() ?? '';
  for (const [name, field] of Object.entries(NUMBER_FILTERS))
    filters[field] = nonNegativeNumber(params.get(name));
  filters.status = oneOf(INTERACTION_STATUSES, params.get('status'));
  filters.sort = oneOf(INTERACTION_SORTS, params.get('sort')) ?? 'recent';
  const since = epochMs(params.get('since'));
  const until = epochMs(params.get('until'));
  // A link with explicit bounds and no range is a custom range: that is what `since`/`until` alone can mean.
  const range =
    oneOf(TIME_RANGES, params.get('range')) ?? (since !== null || until !== null ? 'custom' : 'all');
  filters.range = range;
  if (range === 'custom') {
    filters.since = since;
    filters.until = until;
  }
  return filters;
}

/** The URL query string for these filters: defaults are left out, so a plain view has a plain URL. */
export function formatInteractionFilters(filters: InteractionFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of TEXT_FILTERS) {
    const value = filters[name].trim();
    if (value !== '') params.set(name, value);
  }
  if (filters.status !== null) params.set('status', filters.status);
  for (const [name, field] of Object.entries(NUMBER_FILTERS)) {
    const value = filters[field];
    if (value !== null) params.set(name, String(value));
  }
  if (filters.range !== 'all') params.set('range', filters.range);
  if (filters.range === 'custom') {
    if (filters.since !== null) params.set('since', String(filters.since));
    if (filters.until !== null) params.set('until', String(filters.until));
  }
  if (filters.sort !== 'recent') params.set('sort', filters.sort);
  return params;
}

/** Start of the local calendar day that contains `at`. */
function startOfLocalDay(at: number): number {
  const day = new Date(at);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

/**
 * The `[since, until)` bounds of a time range at the moment `now`. "Yesterday" is the previous calendar day in the
 * viewer's time zone (a day of 23 or 25 hours across a daylight-saving change).
 */
export function resolveTimeRange(
  filters: Pick<InteractionFilters, 'range' | 'since' | 'until'>,
  now: number,
): { since: number | null; until: number | null } {
  switch (filters.range) {
    case 'all':
      return { since: null, until: null };
    case '1h':
    case '24h':
    case '7d':
      return { since: now - RELATIVE_RANGE_MS[filters.range], until: null };
    case 'yesterday': {
      const today = startOfLocalDay(now);
      // Noon of the day before is in yesterday whatever the length of the day.
      return { since: startOfLocalDay(today - 12 * HOUR_MS), until: today };
    }
    case 'custom':
      return { since: filters.since, until: filters.until };
  }
}

/**
 * A cost as the API reads it: plain decimal digits, never an exponent (`String(1e-7)` is "1e-7"). Twelve decimals
 * are far below any per-request price; amounts beyond 10¹⁵ USD are clamped, as no interaction costs that much.
 */
function plainDecimal(value: number): string {
  return Math.min(value, 1e15)
    .toFixed(12)
    .replace(/\.?0+$/, '');
}

/** The query string of `GET /api/interactions` for these filters, a page cursor and a page size. */
export function toInteractionListQuery(
  filters: InteractionFilters,
  page: { now: number; cursor: string | null; limit: number },
): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of TEXT_FILTERS) {
    const value = filters[name].trim();
    if (value !== '') params.set(name, value);
  }
  if (filters.status !== null) params.set('status', filters.status);
  for (const [name, field] of Object.entries(NUMBER_FILTERS)) {
    const value = filters[field];
    if (value !== null)
      params.set(name, name.endsWith('latency') ? String(Math.round(value)) : plainDecimal(value));
  }
  const { since, until } = resolveTimeRange(filters, page.now);
  if (since !== null) params.set('since', String(Math.floor(since)));
  if (until !== null) params.set('until', String(Math.floor(until)));
  if (filters.sort !== 'recent') params.set('sort', filters.sort);
  if (page.cursor !== null) params.set('cursor', page.cursor);
  params.set('limit', String(page.limit));
  return params;
}

/** How many filters narrow the view (time range included; sort is not a filter). */
export function countActiveFilters(filters: InteractionFilters): number {
  const params = formatInteractionFilters({ ...filters, sort: 'recent' });
  // since/until are part of the one custom range.
  params.delete('since');
  params.delete('until');
  return params.size;
}
