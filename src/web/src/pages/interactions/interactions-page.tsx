import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { apiGet } from '../../api/client.js';
import type { InteractionSummary, Page } from '../../api/types.js';
import { EmptyState, ErrorState, LoadingState } from '../../components/query-states.js';
import { formatCount } from '../../format.js';
import { InteractionFilterForm } from './interaction-filter-form.js';
import {
  EMPTY_FILTERS,
  type InteractionFilters,
  countActiveFilters,
  formatInteractionFilters,
  parseInteractionFilters,
  resolveTimeRange,
  toInteractionListQuery,
} from './interaction-filters.js';
import { InteractionsTable } from './interactions-table.js';
import { QuickViews } from './quick-views.js';
import { useInteractionLookups } from './use-interaction-lookups.js';
import './interactions.css';

const PAGE_SIZE = 50;

/**
 * The interactions explorer at `/interactions`: full-text search and filters kept in the URL, a dense table, and
 * cursor paging. The costliest interaction of yesterday is three clicks from any page: "Interactions" in the
 * navigation, the "Costliest yesterday" quick view, the first row (in the explorer: "Yesterday", "Cost", first row).
 */
export function InteractionsPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const filters = useMemo(() => parseInteractionFilters(searchParams), [searchParams]);
  const view = formatInteractionFilters(filters).toString();
  // Relative ranges ("last hour") are resolved once per view, so paging does not shift the window under the
  // cursor; "Refresh" moves it to now.
  const [resolved, setResolved] = useState(() => ({ view, now: Date.now() }));
  if (resolved.view !== view) setResolved({ view, now: Date.now() });
  const bounds = resolveTimeRange(filters, resolved.now);
  const lookups = useInteractionLookups();

  const interactions = useInfiniteQuery({
    // Keyed by the bounds, not the clock: a view without a relative range comes back from the cache.
    queryKey: ['interactions', 'list', view, bounds.since, bounds.until],
    queryFn: ({ pageParam }) =>
      apiGet<Page<InteractionSummary>>(
        '/api/interactions',
        Object.fromEntries(
          toInteractionListQuery(filters, { now: resolved.now, cursor: pageParam, limit: PAGE_SIZE }),
        ),
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });

  function refresh() {
    const now = Date.now();
    const next = resolveTimeRange(filters, now);
    setResolved({ view, now });
    // Fixed bounds keep the query key, so fetch again explicitly; moved bounds make a new query by themselves.
    if (next.since === bounds.since && next.until === bounds.until) void interactions.refetch();
  }

  function apply(next: InteractionFilters) {
    setSearchParams(formatInteractionFilters(next));
  }

  const rows = interactions.data?.pages.flatMap((page) => page.data) ?? [];
  const activeFilters = countActiveFilters(filters);

  return (
    <section aria-labelledby="interactions-heading">
      <div className="page-header">
        <div>
          <h1 id="interactions-heading">Interactions</h1>
          <p className="muted explorer-subtitle">Every request through the gateway, redacted.</p>
          <QuickViews />
        </div>
        <button type="button" className="button" onClick={refresh} disabled={interactions.isFetching}>
          Refresh
        </button>
      </div>
      <InteractionFilterForm key={view} filters={filters} lookups={lookups} onApply={apply} />
      <p className="visually-hidden" role="status" aria-live="polite">
        {interactions.isSuccess
          ? `${formatCount(rows.length)} interactions shown${interactions.hasNextPage ? ', more available' : ''}.`
          : ''}
      </p>
      {interactions.isPending ? (
        <LoadingState label="Loading interactions…" />
      ) : interactions.data === undefined ? (
        <ErrorState error={interactions.error} title="Could not load interactions" />
      ) : rows.length === 0 ? (
        <EmptyState>
          {activeFilters > 0 ? (
            <>
              <p>No interaction matches these filters.</p>
              <button type="button" className="button" onClick={() => apply({ ...EMPTY_FILTERS })}>
                Clear all filters
              </button>
            </>
          ) : (
            <p>
              No interactions logged yet. Send a request to <code>/v1/chat/completions</code> with an API key
              and it appears here.
            </p>
          )}
        </EmptyState>
      ) : (
        <>
          <InteractionsTable
            interactions={rows}
            lookups={lookups}
            listSearch={view}
            caption={`Interactions, ${
              filters.sort === 'recent' ? 'most recent first' : `highest ${filters.sort} first`
            }`}
          />
          <div className="pager">
            <span className="muted explorer-count">
              {formatCount(rows.length)} shown{interactions.hasNextPage ? '' : ' — end of results'}
            </span>
            {interactions.hasNextPage ? (
              <button
                type="button"
                className="button"
                onClick={() => void interactions.fetchNextPage()}
                disabled={interactions.isFetchingNextPage}
              >
                {interactions.isFetchingNextPage ? 'Loading…' : 'Load more'}
              </button>
            ) : null}
          </div>
          {interactions.isError ? (
            <ErrorState
              error={interactions.error}
              title={
                interactions.isFetchNextPageError ? 'Could not load more interactions' : 'Could not refresh'
              }
            />
          ) : null}
        </>
      )}
    </section>
  );
}
