import { Link } from 'react-router';
import { EMPTY_FILTERS, type InteractionFilters, formatInteractionFilters } from './interaction-filters.js';

/** Views people open most, one click each: the questions an on-call engineer asks first. */
const QUICK_VIEWS: Array<{ label: string; filters: Partial<InteractionFilters> }> = [
  { label: 'Costliest yesterday', filters: { range: 'yesterday', sort: 'cost' } },
  { label: 'Slowest in the last 24 h', filters: { range: '24h', sort: 'latency' } },
  { label: 'Errors in the last hour', filters: { range: '1h', status: 'error' } },
  { label: 'Cut-off streams this week', filters: { range: '7d', status: 'incomplete' } },
];

/** Links to preset explorer views; each is a plain URL, so it can also be bookmarked or shared. */
export function QuickViews() {
  return (
    <nav aria-label="Quick views" className="quick-views">
      <span className="muted">Quick views:</span>
      <ul>
        {QUICK_VIEWS.map((view) => (
          <li key={view.label}>
            <Link
              to={`/interactions?${formatInteractionFilters({ ...EMPTY_FILTERS, ...view.filters }).toString()}`}
            >
              {view.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
