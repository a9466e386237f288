import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiPatch } from '../api/client.js';
import type { User, UserRole } from '../api/types.js';
import { ErrorState } from '../components/query-states.js';
import { formatTime } from '../format.js';

export const USER_ROLES: UserRole[] = ['admin', 'developer', 'viewer'];

type UserChange = { role?: UserRole; disabled?: boolean; password?: string };

/** One person: role, status and, for admins, the controls to change them. */
export function UserRow({ user, canManage, isSelf }: { user: User; canManage: boolean; isSelf: boolean }) {
  const [resetting, setResetting] = useState(false);
  const [password, setPassword] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const update = useMutation({
    mutationFn: (change: UserChange) => apiPatch<User>(`/api/users/${encodeURIComponent(user.id)}`, change),
    onSuccess: async (_updated, change) => {
      setDone(
        change.password !== undefined
          ? 'Password changed.'
          : change.disabled !== undefined
            ? change.disabled
              ? 'Disabled.'
              : 'Enabled.'
            : 'Role changed.',
      );
      setResetting(false);
      setPassword('');
      await queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });
  const submitPassword = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ password });
  };
  const disabled = user.disabledAt !== null;

  return (
    <tr data-user-email={user.email}>
      <th scope="row">
        {user.name}
        <div className="muted">{user.email}</div>
      </th>
      <td>
        {canManage && !isSelf ? (
          <select
            aria-label={`Role of ${user.email}`}
            value={user.role}
            disabled={update.isPending}
            onChange={(event) => update.mutate({ role: event.target.value as UserRole })}
          >
            {USER_ROLES.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
        ) : (
          <span className={`role role-${user.role}`}>{user.role}</span>
        )}
      </td>
      <td>
        {disabled ? (
          <span className="badge badge-danger">disabled</span>
        ) : (
          <span className="badge badge-success">active</span>
        )}
      </td>
      <td>{formatTime(user.createdAt)}</td>
      <td>{formatTime(user.lastSignInAt)}</td>
      {canManage ? (
        <td>
          <div className="toolbar">
            {isSelf ? null : (
              <button
                type="button"
                className={disabled ? 'button' : 'button button-danger'}
                disabled={update.isPending}
                onClick={() => update.mutate({ disabled: !disabled })}
              >
                {disabled ? 'Enable' : 'Disable'}
                <span className="visually-hidden"> {user.email}</span>
              </button>
            )}
            <button
              type="button"
              className="button"
              aria-expanded={resetting}
              onClick={() => setResetting(!resetting)}
            >
              Reset password<span className="visually-hidden"> of {user.email}</span>
            </button>
          </div>
          {resetting ? (
            <form className="toolbar" onSubmit={submitPassword}>
              <div className="field">
                <label htmlFor={`password-${user.id}`}>New password</label>
                <input
                  id={`password-${user.id}`}
                  type="password"
                  autoComplete="new-password"
                  minLength={12}
                  required
                  value={password}
                  onChange={(event) => setPassword(event.target.value)}
                />
              </div>
              <button type="submit" className="button button-primary" disabled={update.isPending}>
                Set password
              </button>
            </form>
          ) : null}
          <span role="status" className="muted">
            {done ?? ''}
          </span>
          {update.isError ? <ErrorState error={update.error} title="Could not update" /> : null}
        </td>
      ) : null}
    </tr>
  );
}
