import { describe, expect, it } from 'vitest';
import {
  applyFilterDraft,
  fromLocalDateTimeText,
  toFilterDraft,
  toLocalDateTimeText,
} from './filter-draft.js';
import { EMPTY_FILTERS } from './interaction-filters.js';

describe('toFilterDraft and applyFilterDraft', () => {
  it('round-trips applied filters through the form text', () => {
    const filters = {
      ...EMPTY_FILTERS,
      q: 'refund',
      model: 'gpt-4o',
      minCost: 0.25,
      maxLatency: 900,
      range: 'custom' as const,
      since: new Date(2026, 11, 3, 9, 30).getTime(),
      until: new Date(2026, 11, 3, 17, 0).getTime(),
      sort: 'cost' as const,
    };
    expect(applyFilterDraft(filters, toFilterDraft(filters))).toEqual(filters);
  });

  it('trims text and clears unreadable numbers', () => {
    const draft = {
      ...toFilterDraft(EMPTY_FILTERS),
      q: '  hello ',
      minCost: 'abc',
      maxCost: '-2',
      minLatency: '12',
    };
    expect(applyFilterDraft(EMPTY_FILTERS, draft)).toEqual({ ...EMPTY_FILTERS, q: 'hello', minLatency: 12 });
  });

  it('turns a custom range with no bounds into no range, and drops bounds of other ranges', () => {
    const draft = toFilterDraft(EMPTY_FILTERS);
    expect(applyFilterDraft({ ...EMPTY_FILTERS, range: 'custom' }, draft).range).toBe('all');
    const withSince = { ...draft, since: '2026-12-03T10:00' };
    expect(applyFilterDraft({ ...EMPTY_FILTERS, range: 'yesterday' }, withSince)).toMatchObject({
      range: 'yesterday',
      since: null,
    });
    expect(applyFilterDraft({ ...EMPTY_FILTERS, range: 'custom' }, withSince)).toMatchObject({
      range: 'custom',
      since: new Date(2026, 11, 3, 10, 0).getTime(),
      until: null,
    });
  });
});

describe('local date-time text', () => {
  it('formats and parses datetime-local values in local time', () => {
    const ms = new Date(2026, 0, 5, 7, 8).getTime();
    expect(toLocalDateTimeText(ms)).toBe('2026-01-05T07:08');
    expect(fromLocalDateTimeText('2026-01-05T07:08')).toBe(ms);
    expect(toLocalDateTimeText(null)).toBe('');
  });

  it('rejects text that is not a datetime-local value', () => {
    expect(fromLocalDateTimeText('')).toBeNull();
    expect(fromLocalDateTimeText('yesterday')).toBeNull();
    expect(fromLocalDateTimeText('2026-13-45T99:99')).toBeNull();
  });
});
