import { type FormEvent, useId, useState } from 'react';
import { type FilterDraft, applyFilterDraft, toFilterDraft } from './filter-draft.js';
import {
  EMPTY_FILTERS,
  INTERACTION_SORTS,
  type InteractionFilters,
  type InteractionSort,
  type TimeRange,
  TIME_RANGES,
} from './interaction-filters.js';
import type { InteractionStatus } from '../../api/types.js';
import type { InteractionLookups, LookupOption } from './use-interaction-lookups.js';

const RANGE_LABELS: Record<TimeRange, string> = {
  all: 'Any time',
  '1h': 'Last hour',
  '24h': 'Last 24 h',
  '7d': 'Last 7 days',
  yesterday: 'Yesterday',
  custom: 'Custom',
};

const SORT_LABELS: Record<InteractionSort, string> = {
  recent: 'Most recent',
  cost: 'Cost',
  latency: 'Latency',
};

const STATUS_OPTIONS: Array<{ value: InteractionStatus | null; label: string }> = [
  { value: null, label: 'Any status' },
  { value: 'success', label: 'Success' },
  { value: 'error', label: 'Error' },
  { value: 'incomplete', label: 'Incomplete' },
];

interface FilterFormProps {
  filters: InteractionFilters;
  lookups: InteractionLookups;
  /** Puts new filters in the URL (one history entry per application). */
  onApply(filters: InteractionFilters): void;
}

/** Whether any filter hidden under "More filters" is set, so the section opens itself for a shared link. */
function hasAdvancedFilters(filters: InteractionFilters): boolean {
  return (
    filters.range === 'custom' ||
    (['project', 'key', 'model', 'target', 'user', 'prompt'] as const).some((name) => filters[name] !== '') ||
    ([filters.minCost, filters.maxCost, filters.minLatency, filters.maxLatency] as const).some(
      (v) => v !== null,
    )
  );
}

function ButtonGroup<T>(props: {
  label: string;
  options: Array<{ value: T; label: string }>;
  selected: T;
  onSelect(value: T): void;
}) {
  const labelId = useId();
  return (
    <div className="field">
      <span className="label" id={labelId}>
        {props.label}
      </span>
      <div className="button-group" role="group" aria-labelledby={labelId}>
        {props.options.map((option) => (
          <button
            key={option.label}
            type="button"
            className="button"
            aria-pressed={option.value === props.selected}
            onClick={() => props.onSelect(option.value)}
          >
            {option.label}
          </button>
        ))}
      </div>
    </div>
  );
}

function TextField(props: {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  options?: LookupOption[];
  type?: 'text' | 'number' | 'datetime-local';
  hint?: string;
}) {
  const listId = `${props.id}-options`;
  const hintId = `${props.id}-hint`;
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        name={props.id}
        type={props.type ?? 'text'}
        value={props.value}
        onChange={(event) => props.onChange(event.target.value)}
        {...(props.type === 'number' ? { min: 0, step: 'any', inputMode: 'decimal' as const } : {})}
        {...(props.options && props.options.length > 0 ? { list: listId } : {})}
        {...(props.hint === undefined ? {} : { 'aria-describedby': hintId })}
        autoComplete="off"
      />
      {props.hint === undefined ? null : (
        <span className="hint" id={hintId}>
          {props.hint}
        </span>
      )}
      {props.options && props.options.length > 0 ? (
        <datalist id={listId}>
          {props.options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </datalist>
      ) : null}
    </div>
  );
}

/**
 * The explorer's search box and filters. Quick picks (time range, status, sort) apply at once; typed filters
 * apply on Enter or "Apply", so typing does not flood the history. Remount it (a `key`) when the URL changes.
 */
export function InteractionFilterForm({ filters, lookups, onApply }: FilterFormProps) {
  const [draft, setDraft] = useState<FilterDraft>(() => toFilterDraft(filters));
  const edit = (field: keyof FilterDraft) => (value: string) =>
    setDraft((current) => ({ ...current, [field]: value }));
  const applyWith = (changes: Partial<InteractionFilters>) =>
    onApply(applyFilterDraft({ ...filters, ...changes }, draft));

  function submit(event: FormEvent) {
    event.preventDefault();
    applyWith({});
  }

  return (
    <form className="card explorer-filters" role="search" aria-label="Search interactions" onSubmit={submit}>
      <div className="explorer-search">
        <div className="field explorer-search-field">
          <label htmlFor="filter-q">Search request and response text</label>
          <input
            id="filter-q"
            name="q"
            type="search"
            value={draft.q}
            placeholder="e.g. refund order"
            onChange={(event) => edit('q')(event.target.value)}
            autoComplete="off"
          />
        </div>
        <button type="submit" className="button button-primary">
          Search
        </button>
      </div>
      <div className="toolbar explorer-quick">
        <ButtonGroup
          label="Time"
          options={TIME_RANGES.map((range) => ({ value: range, label: RANGE_LABELS[range] }))}
          selected={filters.range}
          onSelect={(range) => applyWith({ range })}
        />
        <ButtonGroup
          label="Status"
          options={STATUS_OPTIONS}
          selected={filters.status}
          onSelect={(status) => applyWith({ status })}
        />
        <ButtonGroup
          label="Sort by"
          options={INTERACTION_SORTS.map((sort) => ({ value: sort, label: SORT_LABELS[sort] }))}
          selected={filters.sort}
          onSelect={(sort) => applyWith({ sort })}
        />
      </div>
      {filters.range === 'custom' ? (
        <div className="form-row">
          <TextField
            id="filter-since"
            label="From"
            type="datetime-local"
            value={draft.since}
            onChange={edit('since')}
          />
          <TextField
            id="filter-until"
            label="Until"
            type="datetime-local"
            value={draft.until}
            onChange={edit('until')}
          />
        </div>
      ) : null}
      <details className="explorer-more" open={hasAdvancedFilters(filters)}>
        <summary>More filters</summary>
        <div className="form-row">
          <TextField
            id="filter-model"
            label="Model asked"
            value={draft.model}
            onChange={edit('model')}
            options={lookups.models}
          />
          <TextField
            id="filter-target"
            label="Target (provider/model)"
            value={draft.target}
            onChange={edit('target')}
            options={lookups.targets}
          />
          <TextField
            id="filter-project"
            label="Project id"
            value={draft.project}
            onChange={edit('project')}
            options={lookups.projects}
          />
          <TextField
            id="filter-key"
            label="Key id"
            value={draft.key}
            onChange={edit('key')}
            options={lookups.keys}
          />
          <TextField id="filter-user" label="End user" value={draft.user} onChange={edit('user')} />
          <TextField id="filter-prompt" label="Prompt name" value={draft.prompt} onChange={edit('prompt')} />
          <TextField
            id="filter-min-cost"
            label="Min cost (USD)"
            type="number"
            value={draft.minCost}
            onChange={edit('minCost')}
          />
          <TextField
            id="filter-max-cost"
            label="Max cost (USD)"
            type="number"
            value={draft.maxCost}
            onChange={edit('maxCost')}
          />
          <TextField
            id="filter-min-latency"
            label="Min latency (ms)"
            type="number"
            value={draft.minLatency}
            onChange={edit('minLatency')}
          />
          <TextField
            id="filter-max-latency"
            label="Max latency (ms)"
            type="number"
            value={draft.maxLatency}
            onChange={edit('maxLatency')}
          />
        </div>
        <div className="toolbar explorer-actions">
          <button type="submit" className="button button-primary">
            Apply filters
          </button>
          <button type="button" className="button" onClick={() => onApply({ ...EMPTY_FILTERS })}>
            Clear all
          </button>
        </div>
      </details>
    </form>
  );
}
