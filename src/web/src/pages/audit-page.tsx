import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { apiGet } from '../api/client.js';
import type { AuditEvent, Page } from '../api/types.js';
import { useCanManage } from '../api/use-session.js';
import { EmptyState, ErrorState, LoadingState } from '../components/query-states.js';
import { formatTime } from '../format.js';

const PAGE_SIZE = 50;
const ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'user.create',
  'user.role_change',
  'user.disable',
  'user.enable',
  'user.password_change',
];

function AuditTable({ events }: { events: AuditEvent[] }) {
  return (
    <div className="card table-wrap">
      <table className="table">
        <caption className="visually-hidden">Audit events, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Outcome</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id}>
              <td>{formatTime(event.at)}</td>
              <td>
                {event.actor.label} <span className="muted">({event.actor.kind.replace('_', ' ')})</span>
              </td>
              <th scope="row" className="mono">
                {event.action}
              </th>
              <td>{event.target ?? '—'}</td>
              <td>
                <span className={event.outcome === 'success' ? 'badge badge-success' : 'badge badge-danger'}>
                  {event.outcome}
                </span>
              </td>
              <td className="mono">
                {Object.keys(event.detail).length === 0 ? '' : JSON.stringify(event.detail)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The audit log (admins only): sign-ins and changes to people, newest first, a page at a time. */
export function AuditPage() {
  const canManage = useCanManage();
  const [action, setAction] = useState('');
  // Cursors of the pages before the current one, so "Newer" can step back.
  const [cursors, setCursors] = useState<Array<string | null>>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const audit = useQuery({
    queryKey: ['audit', action, cursor],
    queryFn: () => apiGet<Page<AuditEvent>>('/api/audit', { limit: PAGE_SIZE, cursor, action }),
    enabled: canManage,
    placeholderData: keepPreviousData,
  });

  if (!canManage) {
    return (
      <section aria-labelledby="audit-heading">
        <h1 id="audit-heading">Audit log</h1>
        <p className="notice">Only admins can read the audit log.</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="audit-heading">
      <div className="page-header">
        <h1 id="audit-heading">Audit log</h1>
        <div className="toolbar">
          <div className="field">
            <label htmlFor="audit-action">Action</label>
            <select
              id="audit-action"
              value={action}
              onChange={(event) => {
                setAction(event.target.value);
                setCursors([null]);
              }}
            >
              <option value="">All actions</option>
              {ACTIONS.map((entry) => (
                <option key={entry} value={entry}>
                  {entry}
                </option>
              ))}
            </select>
          </div>
        </div>
      </div>
      {audit.isPending ? <LoadingState label="Loading the audit log…" /> : null}
      {audit.isError ? <ErrorState error={audit.error} title="Could not load the audit log" /> : null}
      {audit.data?.data.length === 0 ? <EmptyState>No audit events match.</EmptyState> : null}
      {audit.data !== undefined && audit.data.data.length > 0 ? (
        <AuditTable events={audit.data.data} />
      ) : null}
      <nav className="pager" aria-label="Audit log pages">
        <button
          type="button"
          className="button"
          disabled={cursors.length <= 1}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Newer
        </button>
        <button
          type="button"
          className="button"
          disabled={audit.data?.next_cursor == null}
          onClick={() => {
            const next = audit.data?.next_cursor;
            if (next != null) setCursors([...cursors, next]);
          }}
        >
          Older
        </button>
      </nav>
    </section>
  );
}
