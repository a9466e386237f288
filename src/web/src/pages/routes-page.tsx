import { useQuery } from '@tanstack/react-query';
import { apiGet } from '../api/client.js';
import type { BreakerView, RouteStatus } from '../api/types.js';
import { EmptyState, ErrorState, LoadingState } from '../components/query-states.js';
import { formatTime } from '../format.js';

const REFRESH_MS = 3_000;

const BREAKER_TEXT: Record<string, string> = {
  closed: 'closed (healthy)',
  open: 'open (skipped)',
  half_open: 'half-open (probing)',
};

function BreakerBadge({ breaker }: { breaker: BreakerView }) {
  return (
    <span className={`badge breaker-${breaker.state}`} data-breaker-state={breaker.state}>
      {BREAKER_TEXT[breaker.state] ?? breaker.state}
    </span>
  );
}

function RouteCard({ route }: { route: RouteStatus }) {
  const totalWeight = route.targets.reduce((sum, target) => sum + target.weight, 0);
  const headingId = `route-${route.model.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        <span className="mono">{route.model}</span> <span className="badge badge-neutral">{route.kind}</span>{' '}
        <span className="badge badge-neutral">{route.strategy}</span>
      </h2>
      {route.description === null ? null : <p className="muted">{route.description}</p>}
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Targets of {route.model}</caption>
          <thead>
            <tr>
              <th scope="col">Target</th>
              <th scope="col" className="number">
                Weight
              </th>
              <th scope="col">Breaker</th>
              <th scope="col" className="number">
                Consecutive failures
              </th>
              <th scope="col">Opened at</th>
            </tr>
          </thead>
          <tbody>
            {route.targets.map((target) => (
              <tr key={`${target.provider}/${target.model}`}>
                <th scope="row" className="mono">
                  {target.provider}/{target.model}
                </th>
                <td className="number">
                  {target.weight}
                  {totalWeight > 0 && route.targets.length > 1 ? (
                    <span className="muted"> ({Math.round((target.weight / totalWeight) * 100)}%)</span>
                  ) : null}
                </td>
                <td>
                  <BreakerBadge breaker={target.breaker} />
                </td>
                <td className="number">{target.breaker.consecutiveFailures}</td>
                <td>{formatTime(target.breaker.openedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Models and their routes: targets, weights and live circuit-breaker state, refreshed every few seconds. */
export function RoutesPage() {
  const routes = useQuery({
    queryKey: ['routes'],
    queryFn: () => apiGet<{ data: RouteStatus[] }>('/api/routes'),
    refetchInterval: REFRESH_MS,
  });
  return (
    <section aria-labelledby="routes-heading">
      <div className="page-header">
        <h1 id="routes-heading">Models &amp; routes</h1>
        <p className="muted" aria-live="off">
          Refreshes every {REFRESH_MS / 1000} s
          {routes.dataUpdatedAt > 0 ? `; updated ${formatTime(routes.dataUpdatedAt)}` : ''}.
        </p>
      </div>
      {routes.isPending ? <LoadingState label="Loading routes…" /> : null}
      {routes.isError ? <ErrorState error={routes.error} title="Could not load routes" /> : null}
      {routes.data?.data.length === 0 ? (
        <EmptyState>No routes are configured. Add some under `routes:` in slipway.yaml.</EmptyState>
      ) : null}
      {routes.data?.data.map((route) => (
        <RouteCard key={route.model} route={route} />
      ))}
    </section>
  );
}
