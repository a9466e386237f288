import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { apiGet } from '../../api/client.js';
import { useCanManage } from '../../api/use-session.js';
import { EmptyState, ErrorState, LoadingState } from '../../components/query-states.js';
import { matchesEndUserFilter } from './end-user-filter.js';
import { EndUserForm } from './end-user-form.js';
import { EndUsersTable } from './end-users-table.js';
import { type EndUserListPage, endUserPagePath } from './principal-types.js';
import { SyncPanel } from './sync-panel.js';

const PAGE_SIZE = 50;

/** Jumps to one end user's page: the directory can be far larger than a page, and the API looks ids up exactly. */
function OpenByIdForm() {
  const [id, setId] = useState('');
  const navigate = useNavigate();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (id.trim() !== '') void navigate(endUserPagePath(id.trim()));
  };
  return (
    <form className="toolbar" onSubmit={submit}>
      <div className="field">
        <label htmlFor="principals-open-id">End user id</label>
        <input id="principals-open-id" value={id} onChange={(event) => setId(event.target.value)} />
      </div>
      <button type="submit" className="button">
        Open
      </button>
    </form>
  );
}

/** The end-user directory retrieval runs for: a page at a time by id; admins add end users and sync files. */
export function PrincipalsPage() {
  const canManage = useCanManage();
  const [filter, setFilter] = useState('');
  // The `after` ids of the pages before the current one, so "Previous" can step back.
  const [afters, setAfters] = useState<Array<string | null>>([null]);
  const after = afters[afters.length - 1] ?? null;
  const list = useQuery({
    queryKey: ['principals', 'list', after],
    queryFn: () => apiGet<EndUserListPage>('/api/principals', { limit: PAGE_SIZE, after }),
    placeholderData: keepPreviousData,
  });
  const shown = list.data?.data.filter((user) => matchesEndUserFilter(user, filter)) ?? [];
  return (
    <section aria-labelledby="principals-heading">
      <div className="page-header">
        <h1 id="principals-heading">End users</h1>
        {canManage ? null : <p className="muted">Read-only: only admins change the directory.</p>}
      </div>
      <div className="toolbar">
        <div className="field">
          <label htmlFor="principals-filter">Filter this page (id, name, group or role)</label>
          <input id="principals-filter" value={filter} onChange={(event) => setFilter(event.target.value)} />
        </div>
        <OpenByIdForm />
      </div>
      {list.isPending ? <LoadingState label="Loading end users…" /> : null}
      {list.isError ? <ErrorState error={list.error} title="Could not load end users" /> : null}
      {list.data?.data.length === 0 ? (
        <EmptyState>No end users yet: add them here or with `slipway principals sync people.csv`.</EmptyState>
      ) : null}
      {list.data !== undefined && list.data.data.length > 0 && shown.length === 0 ? (
        <EmptyState>No end user on this page matches “{filter.trim()}”.</EmptyState>
      ) : null}
      {shown.length > 0 ? <EndUsersTable users={shown} /> : null}
      <nav className="pager" aria-label="End user pages">
        <button
          type="button"
          className="button"
          disabled={afters.length <= 1}
          onClick={() => setAfters(afters.slice(0, -1))}
        >
          Previous
        </button>
        <button
          type="button"
          className="button"
          disabled={list.data?.next_after == null}
          onClick={() => {
            const next = list.data?.next_after;
            if (next != null) setAfters([...afters, next]);
          }}
        >
          Next
        </button>
      </nav>
      {canManage ? (
        <>
          <section className="card" aria-labelledby="principals-add-heading">
            <h2 id="principals-add-heading">Add an end user</h2>
            <EndUserForm existing={null} />
          </section>
          <section className="card" aria-labelledby="principals-sync-heading">
            <h2 id="principals-sync-heading">Sync from a file</h2>
            <SyncPanel />
          </section>
        </>
      ) : null}
    </section>
  );
}
