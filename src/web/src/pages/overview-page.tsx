import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { apiGet } from '../api/client.js';
import type { Overview, OverviewGroupBy, Stats } from '../api/types.js';
import { EmptyState, ErrorState, LoadingState } from '../components/query-states.js';
import { formatCount, formatMs, formatPercent, formatUsd } from '../format.js';

const OverviewCharts = lazy(() =>
  import('./overview-charts.js').then((module) => ({ default: module.OverviewCharts })),
);

const HOUR = 3_600_000;
const PRESETS = [
  { id: '1h', label: '1 h', ms: HOUR },
  { id: '24h', label: '24 h', ms: 24 * HOUR },
  { id: '7d', label: '7 d', ms: 7 * 24 * HOUR },
  { id: '30d', label: '30 d', ms: 30 * 24 * HOUR },
] as const;
type RangeId = (typeof PRESETS)[number]['id'] | 'custom';

const GROUPS: Array<{ id: OverviewGroupBy; label: string }> = [
  { id: 'model', label: 'Model' },
  { id: 'project', label: 'Project' },
  { id: 'key', label: 'API key' },
];

/** `datetime-local` input value (local time, to the minute) of a timestamp. */
function toLocalInput(ms: number): string {
  const date = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 16);
}

function TotalsTiles({ totals }: { totals: Stats }) {
  const tiles: Array<[string, string]> = [
    ['Requests', formatCount(totals.requests)],
    ['Errors', formatCount(totals.errors)],
    ['Error rate', formatPercent(totals.errorRate)],
    ['Tokens', formatCount(totals.totalTokens)],
    ['Cost', formatUsd(totals.costUsd)],
    ['Latency p50', formatMs(totals.latencyP50Ms)],
    ['Latency p95', formatMs(totals.latencyP95Ms)],
    ['TTFT p50', formatMs(totals.ttftP50Ms)],
    ['TTFT p95', formatMs(totals.ttftP95Ms)],
  ];
  return (
    <dl className="tiles" aria-label="Totals">
      {tiles.map(([label, value]) => (
        <div className="tile" key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function BreakdownTable({ overview, groupBy }: { overview: Overview; groupBy: OverviewGroupBy }) {
  const groupLabel = GROUPS.find((group) => group.id === groupBy)?.label ?? groupBy;
  return (
    <section className="card" aria-labelledby="breakdown-heading">
      <h2 id="breakdown-heading">By {groupLabel.toLowerCase()}</h2>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Totals by {groupLabel.toLowerCase()}</caption>
          <thead>
            <tr>
              <th scope="col">{groupLabel}</th>
              <th scope="col" className="number">
                Requests
              </th>
              <th scope="col" className="number">
                Errors
              </th>
              <th scope="col" className="number">
                Error rate
              </th>
              <th scope="col" className="number">
                Tokens
              </th>
              <th scope="col" className="number">
                Cost
              </th>
              <th scope="col" className="number">
                p50
              </th>
              <th scope="col" className="number">
                p95
              </th>
            </tr>
          </thead>
          <tbody>
            {overview.breakdown.map((row) => (
              <tr key={row.group}>
                <th scope="row">
                  {row.label}
                  {row.label === row.group ? null : <span className="muted mono"> {row.group}</span>}
                </th>
                <td className="number">{formatCount(row.requests)}</td>
                <td className="number">{formatCount(row.errors)}</td>
                <td className="number">{formatPercent(row.errorRate)}</td>
                <td className="number">{formatCount(row.totalTokens)}</td>
                <td className="number">{formatUsd(row.costUsd)}</td>
                <td className="number">{formatMs(row.latencyP50Ms)}</td>
                <td className="number">{formatMs(row.latencyP95Ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Traffic, errors, latency, tokens and cost over a time range, with a breakdown by model, project or key. */
export function OverviewPage() {
  const [range, setRange] = useState<RangeId>('24h');
  const [groupBy, setGroupBy] = useState<OverviewGroupBy>('model');
  const [customSince, setCustomSince] = useState(() => toLocalInput(Date.now() - 24 * HOUR));
  const [customUntil, setCustomUntil] = useState(() => toLocalInput(Date.now()));

  const overview = useQuery({
    queryKey: ['overview', range, groupBy, range === 'custom' ? [customSince, customUntil] : null],
    queryFn: () => {
      // Presets slide with time: the window is computed at fetch time, so each refresh shows the latest.
      const preset = PRESETS.find((entry) => entry.id === range);
      const until = preset === undefined ? new Date(customUntil).getTime() : Date.now();
      const since = preset === undefined ? new Date(customSince).getTime() : until - preset.ms;
      return apiGet<Overview>('/api/stats/overview', { since, until, group_by: groupBy });
    },
    refetchInterval: range === 'custom' ? false : 30_000,
  });

  return (
    <section aria-labelledby="overview-heading">
      <div className="page-header">
        <h1 id="overview-heading">Overview</h1>
        <div className="toolbar">
          <div className="field">
            <span className="label" id="range-label">
              Time range
            </span>
            <div className="button-group" role="group" aria-labelledby="range-label">
              {[...PRESETS, { id: 'custom' as const, label: 'Custom' }].map((entry) => (
                <button
                  key={entry.id}
                  type="button"
                  className="button"
                  aria-pressed={range === entry.id}
                  onClick={() => setRange(entry.id)}
                >
                  {entry.label}
                </button>
              ))}
            </div>
          </div>
          {range === 'custom' ? (
            <>
              <div className="field">
                <label htmlFor="range-since">From</label>
                <input
                  id="range-since"
                  type="datetime-local"
                  value={customSince}
                  onChange={(event) => setCustomSince(event.target.value)}
                />
              </div>
              <div className="field">
                <label htmlFor="range-until">To</label>
                <input
                  id="range-until"
                  type="datetime-local"
                  value={customUntil}
                  onChange={(event) => setCustomUntil(event.target.value)}
                />
              </div>
            </>
          ) : null}
          <div className="field">
            <label htmlFor="group-by">Group by</label>
            <select
              id="group-by"
              value={groupBy}
              onChange={(event) => setGroupBy(event.target.value as OverviewGroupBy)}
            >
              {GROUPS.map((group) => (
                <option key={group.id} value={group.id}>
                  {group.label}
                </option>
              ))}
            </select>
          </div>
        </div>
      </div>
      {overview.isPending ? <LoadingState label="Loading the overview…" /> : null}
      {overview.isError ? <ErrorState error={overview.error} title="Could not load the overview" /> : null}
      {overview.data === undefined ? null : overview.data.totals.requests === 0 ? (
        <EmptyState>
          <p>No requests in this time range.</p>
          <p>
            Send one through the gateway, for example:{' '}
            <code>curl localhost:8080/v1/chat/completions -H &quot;Authorization: Bearer $KEY&quot; …</code>
          </p>
        </EmptyState>
      ) : (
        <>
          <TotalsTiles totals={overview.data.totals} />
          <Suspense fallback={<LoadingState label="Loading charts…" />}>
            <OverviewCharts overview={overview.data} />
          </Suspense>
          <BreakdownTable overview={overview.data} groupBy={groupBy} />
        </>
      )}
    </section>
  );
}
