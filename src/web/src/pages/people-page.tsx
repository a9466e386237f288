import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiGet, apiPost } from '../api/client.js';
import type { User, UserRole } from '../api/types.js';
import { useSession } from '../api/use-session.js';
import { EmptyState, ErrorState, LoadingState } from '../components/query-states.js';
import { USER_ROLES, UserRow } from './user-row.js';

function CreateUserForm() {
  const empty = { email: '', name: '', role: 'viewer' as UserRole, password: '' };
  const [draft, setDraft] = useState(empty);
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: () => apiPost<User>('/api/users', draft),
    onSuccess: async () => {
      setDraft(empty);
      await queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <section className="card" aria-labelledby="create-user-heading">
      <h2 id="create-user-heading">Add a person</h2>
      <form className="form" onSubmit={submit}>
        <div className="form-row">
          <div className="field">
            <label htmlFor="user-email">E-mail</label>
            <input
              id="user-email"
              type="email"
              required
              value={draft.email}
              onChange={(event) => setDraft({ ...draft, email: event.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor="user-name">Name</label>
            <input
              id="user-name"
              required
              value={draft.name}
              onChange={(event) => setDraft({ ...draft, name: event.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor="user-role">Role</label>
            <select
              id="user-role"
              value={draft.role}
              onChange={(event) => setDraft({ ...draft, role: event.target.value as UserRole })}
            >
              {USER_ROLES.map((role) => (
                <option key={role} value={role}>
                  {role}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="user-password">Initial password</label>
            <input
              id="user-password"
              type="password"
              autoComplete="new-password"
              minLength={12}
              required
              value={draft.password}
              onChange={(event) => setDraft({ ...draft, password: event.target.value })}
            />
            <span className="hint">At least 12 characters; share it privately.</span>
          </div>
        </div>
        {create.isError ? <ErrorState error={create.error} title="Could not add the person" /> : null}
        {create.isSuccess ? (
          <p className="notice notice-success" role="status">
            {create.data.email} can now sign in.
          </p>
        ) : null}
        <div>
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            Add person
          </button>
        </div>
      </form>
    </section>
  );
}

/** People with dashboard accounts and their roles; admins add people, change roles, disable and reset. */
export function PeoplePage() {
  const session = useSession();
  const canManage = session.data?.user.role === 'admin';
  const users = useQuery({ queryKey: ['users'], queryFn: () => apiGet<{ data: User[] }>('/api/users') });
  return (
    <section aria-labelledby="people-heading">
      <div className="page-header">
        <h1 id="people-heading">People</h1>
        {canManage ? null : <p className="muted">Read-only: only admins manage people.</p>}
      </div>
      {canManage ? <CreateUserForm /> : null}
      {users.isPending ? <LoadingState label="Loading people…" /> : null}
      {users.isError ? <ErrorState error={users.error} title="Could not load people" /> : null}
      {users.data?.data.length === 0 ? <EmptyState>Nobody has an account yet.</EmptyState> : null}
      {users.data !== undefined && users.data.data.length > 0 ? (
        <div className="card table-wrap">
          <table className="table">
            <caption className="visually-hidden">People and their roles</caption>
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Last sign-in</th>
                {canManage ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {users.data.data.map((user) => (
                <UserRow
                  key={user.id}
                  user={user}
                  canManage={canManage}
                  isSelf={user.id === session.data?.user.id}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
