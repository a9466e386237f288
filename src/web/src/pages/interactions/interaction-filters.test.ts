import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EMPTY_FILTERS,
  INTERACTION_SORTS,
  INTERACTION_STATUSES,
  type InteractionFilters,
  TIME_RANGES,
  countActiveFilters,
  formatInteractionFilters,
  parseInteractionFilters,
  resolveTimeRange,
  toInteractionListQuery,
} from './interaction-filters.js';

const parse = (query: string) => parseInteractionFilters(new URLSearchParams(query));

describe('parseInteractionFilters', () => {
  it('reads every filter from the query string', () => {
    expect(
      parse(
        'q=refund&project=shop&key=key_1&model=gpt&target=openai%2Fgpt-4o&status=error&user=u1&prompt=support' +
          '&min_cost=0.01&max_cost=2.5&min_latency=100&max_latency=900&range=custom&since=1000&until=2000&sort=cost',
      ),
    ).toEqual({
      q: 'refund',
      project: 'shop',
      key: 'key_1',
      model: 'gpt',
      target: 'openai/gpt-4o',
      status: 'error',
      user: 'u1',
      prompt: 'support',
      minCost: 0.01,
      maxCost: 2.5,
      minLatency: 100,
      maxLatency: 900,
      range: 'custom',
      since: 1000,
      until: 2000,
      sort: 'cost',
    });
  });

  it('falls back to no filter for unknown or malformed values', () => {
    expect(
      parse('status=broken&sort=random&min_cost=-1&max_latency=abc&range=forever&since=yesterday'),
    ).toEqual(EMPTY_FILTERS);
  });

  it('reads bounds without a range as a custom range, and ignores bounds under a relative range', () => {
    expect(parse('since=5')).toMatchObject({ range: 'custom', since: 5, until: null });
    expect(parse('range=24h&since=5&until=9')).toMatchObject({ range: '24h', since: null, until: null });
  });

  it('trims text filters', () => {
    expect(parse('q=%20%20hello%20&model=%20')).toMatchObject({ q: 'hello', model: '' });
  });
});

describe('formatInteractionFilters', () => {
  it('leaves defaults out, so the plain view has a plain URL', () => {
    expect(formatInteractionFilters(EMPTY_FILTERS).toString()).toBe('');
  });

  it('writes the yesterday-by-cost view as a short link', () => {
    expect(formatInteractionFilters({ ...EMPTY_FILTERS, range: 'yesterday', sort: 'cost' }).toString()).toBe(
      'range=yesterday&sort=cost',
    );
  });

  const filtersArbitrary: fc.Arbitrary<InteractionFilters> = fc
    .record({
      q: fc.string(),
      project: fc.string(),
      key: fc.string(),
      model: fc.string(),
      target: fc.string(),
      user: fc.string(),
      prompt: fc.string(),
      status: fc.constantFrom(null, ...INTERACTION_STATUSES),
      minCost: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true })),
      maxCost: fc.option(fc.double({ min: 0, max: 1e6, noNaN: true })),
      minLatency: fc.option(fc.nat()),
      maxLatency: fc.option(fc.nat()),
      range: fc.constantFrom(...TIME_RANGES),
      since: fc.option(fc.nat({ max: 4_102_444_800_000 })),
      until: fc.option(fc.nat({ max: 4_102_444_800_000 })),
      sort: fc.constantFrom(...INTERACTION_SORTS),
    })
    .map((filters) => {
      const normalized = { ...filters };
      for (const name of ['q', 'project', 'key', 'model', 'target', 'user', 'prompt'] as const) {
        normalized[name] = filters[name].trim();
      }
      // Explicit bounds belong to a custom range only; -0 has no distinct URL form.
      if (filters.range !== 'custom') Object.assign(normalized, { since: null, until: null });
      if (Object.is(normalized.minCost, -0)) normalized.minCost = 0;
      if (Object.is(normalized.maxCost, -0)) normalized.maxCost = 0;
      return normalized;
    });

  it('round-trips through the URL for any filters', () => {
    fc.assert(
      fc.property(filtersArbitrary, (filters) => {
        const url = formatInteractionFilters(filters).toString();
        expect(parseInteractionFilters(new URLSearchParams(url))).toEqual(filters);
      }),
    );
  });
});

describe('resolveTimeRange', () => {
  const now = new Date(2026, 11, 4, 15, 30).getTime();

  it('is unbounded for all, and relative to now for the quick picks', () => {
    expect(resolveTimeRange({ range: 'all', since: 1, until: 2 }, now)).toEqual({ since: null, until: null });
    expect(resolveTimeRange({ range: '1h', since: null, until: null }, now)).toEqual({
      since: now - 3_600_000,
      until: null,
    });
    expect(resolveTimeRange({ range: '7d', since: null, until: null }, now).since).toBe(now - 7 * 86_400_000);
  });

  it('is the previous local calendar day for yesterday', () => {
    expect(resolveTimeRange({ range: 'yesterday', since: null, until: null }, now)).toEqual({
      since: new Date(2026, 11, 3).getTime(),
      until: new Date(2026, 11, 4).getTime(),
    });
    const justAfterMidnight = new Date(2026, 0, 1, 0, 0, 1).getTime();
    expect(resolveTimeRange({ range: 'yesterday', since: null, until: null }, justAfterMidnight)).toEqual({
      since: new Date(2025, 11, 31).getTime(),
      until: new Date(2026, 0, 1).getTime(),
    });
  });

  it('keeps the explicit bounds of a custom range', () => {
    expect(resolveTimeRange({ range: 'custom', since: 10, until: null }, now)).toEqual({
      since: 10,
      until: null,
    });
  });
});

describe('toInteractionListQuery', () => {
  it('turns filters into the API parameters with a resolved time range, cursor and limit', () => {
    const filters = parse('q=refund&status=error&range=1h&sort=latency&min_latency=99.6&max_cost=0.5');
    expect(
      Object.fromEntries(toInteractionListQuery(filters, { now: 10_000_000, cursor: 'c1', limit: 50 })),
    ).toEqual({
      q: 'refund',
      status: 'error',
      min_latency: '100',
      max_cost: '0.5',
      since: String(10_000_000 - 3_600_000),
      sort: 'latency',
      cursor: 'c1',
      limit: '50',
    });
  });

  it('writes costs as plain decimals, as the API reads them', () => {
    const query = (minCost: number) =>
      toInteractionListQuery({ ...EMPTY_FILTERS, minCost }, { now: 0, cursor: null, limit: 1 }).get(
        'min_cost',
      );
    expect(query(0.0000001)).toBe('0.0000001');
    expect(query(2.5)).toBe('2.5');
    expect(query(3)).toBe('3');
    expect(query(0)).toBe('0');
    expect(query(1e300)).toBe('1000000000000000');
  });

  it('sends only the limit for the plain view', () => {
    expect(toInteractionListQuery(EMPTY_FILTERS, { now: 1, cursor: null, limit: 25 }).toString()).toBe(
      'limit=25',
    );
  });
});

describe('countActiveFilters', () => {
  it('counts narrowing filters, a custom range once, and not the sort', () => {
    expect(countActiveFilters(EMPTY_FILTERS)).toBe(0);
    expect(countActiveFilters(parse('sort=cost'))).toBe(0);
    expect(countActiveFilters(parse('q=a&status=error&since=1&until=2'))).toBe(3);
  });
});
