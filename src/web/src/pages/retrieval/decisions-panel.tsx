import { useQuery } from '@tanstack/react-query';
import { apiGet } from '../../api/client.js';
import type { AuditEvent, Page } from '../../api/types.js';
import { EmptyState, ErrorState, LoadingState } from '../../components/query-states.js';
import { formatTime } from '../../format.js';

const text = (value: unknown): string =>
  typeof value === 'string' || typeof value === 'number' ? String(value) : '—';

/** The latest retrieval decisions from the audit log (`retrieval.search`). */
export function DecisionsPanel() {
  const decisions = useQuery({
    queryKey: ['audit', 'retrieval.search'],
    queryFn: () => apiGet<Page<AuditEvent>>('/api/audit', { action: 'retrieval.search', limit: 50 }),
  });
  if (decisions.isPending) return <LoadingState label="Loading retrieval decisions…" />;
  if (decisions.isError) return <ErrorState error={decisions.error} title="Could not load decisions" />;
  if (decisions.data.data.length === 0) return <EmptyState>No retrieval has run yet.</EmptyState>;
  return (
    <div className="card table-wrap">
      <table className="table">
        <caption className="visually-hidden">Retrieval decisions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">End user</th>
            <th scope="col">Collection</th>
            <th scope="col">Allowed / denied</th>
            <th scope="col">Path</th>
            <th scope="col">Documents returned</th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {decisions.data.data.map((event) => (
            <tr key={event.id}>
              <td>{formatTime(event.at)}</td>
              <th scope="row">{text(event.detail.endUser ?? 'anonymous')}</th>
              <td>{event.target ?? '—'}</td>
              <td>
                {text(event.detail.allowedChunks)} / {text(event.detail.deniedChunks)}
              </td>
              <td>{text(event.detail.path)}</td>
              <td className="mono">
                {Array.isArray(event.detail.documents) ? event.detail.documents.join(', ') : '—'}
              </td>
              <td>{event.outcome}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
