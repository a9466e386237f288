import type { InteractionFilters } from './interaction-filters.js';

/**
 * The filter form's inputs as typed, before they are applied to the URL: every value is the text of its input
 * (`datetime-local` text for the custom range), so a half-typed number does not fight the user.
 */
export interface FilterDraft {
  q: string;
  project: string;
  key: string;
  model: string;
  target: string;
  user: string;
  prompt: string;
  minCost: string;
  maxCost: string;
  minLatency: string;
  maxLatency: string;
  since: string;
  until: string;
}

const NUMBER_FIELDS = ['minCost', 'maxCost', 'minLatency', 'maxLatency'] as const;
const TEXT_FIELDS = ['q', 'project', 'key', 'model', 'target', 'user', 'prompt'] as const;

const pad = (part: number) => String(part).padStart(2, '0');

/** `YYYY-MM-DDTHH:mm` in local time, the value format of `<input type="datetime-local">`. */
export function toLocalDateTimeText(ms: number | null): string {
  if (ms === null) return '';
  const date = new Date(ms);
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** Milliseconds of a `datetime-local` value read as local time; null when empty or not a date. */
export function fromLocalDateTimeText(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(text)) return null;
  const ms = new Date(text).getTime();
  return Number.isNaN(ms) ? null : ms;
}

function numberOrNull(text: string): number | null {
  if (text.trim() === '') return null;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : null;
}

/** The form's starting text for the applied filters. */
export function toFilterDraft(filters: InteractionFilters): FilterDraft {
  const draft = {} as FilterDraft;
  for (const field of TEXT_FIELDS) draft[field] = filters[field];
  for (const field of NUMBER_FIELDS) draft[field] = filters[field] === null ? '' : String(filters[field]);
  draft.since = toLocalDateTimeText(filters.since);
  draft.until = toLocalDateTimeText(filters.until);
  return draft;
}

/**
 * The filters after applying the form's text to `filters`: text is trimmed, unreadable numbers and dates clear
 * their filter. A custom range with neither bound is no range at all.
 */
export function applyFilterDraft(filters: InteractionFilters, draft: FilterDraft): InteractionFilters {
  const next: InteractionFilters = { ...filters };
  for (const field of TEXT_FIELDS) next[field] = draft[field].trim();
  for (const field of NUMBER_FIELDS) next[field] = numberOrNull(draft[field]);
  if (next.range === 'custom') {
    next.since = fromLocalDateTimeText(draft.since);
    next.until = fromLocalDateTimeText(draft.until);
    if (next.since === null && next.until === null) next.range = 'all';
  } else {
    next.since = null;
    next.until = null;
  }
  return next;
}
