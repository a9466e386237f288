import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { ApiError, apiGet, apiRequest } from '../../api/client.js';
import { ErrorState } from '../../components/query-states.js';
import { EMPTY_END_USER_DRAFT, type EndUserDraft, toEndUserBody, toEndUserDraft } from './end-user-draft.js';
import { type EndUser, endUserApiPath, endUserPagePath } from './principal-types.js';

/** Whether the directory has the id (the API answers 404 otherwise). */
async function endUserExists(id: string): Promise<boolean> {
  try {
    await apiGet<EndUser>(endUserApiPath(id));
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return false;
    throw error;
  }
}

/**
 * Adds an end user (`existing` null) or changes one. The API's PUT creates or replaces, so adding first checks
 * that the id is free: a typo'd "add" must not silently overwrite someone's groups and clearance.
 */
export function EndUserForm({ existing }: { existing: EndUser | null }) {
  const initial = existing === null ? EMPTY_END_USER_DRAFT : toEndUserDraft(existing);
  const [draft, setDraft] = useState<EndUserDraft>(initial);
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: async (submitted: EndUserDraft) => {
      const id = submitted.id.trim();
      if (existing === null && (await endUserExists(id))) {
        throw new Error(`"${id}" is already in the directory: change it on its own page.`);
      }
      return apiRequest<EndUser>(endUserApiPath(id), { method: 'PUT', body: toEndUserBody(submitted) });
    },
    onSuccess: async (saved) => {
      // The server sorts and de-duplicates the lists: show the entry as stored.
      setDraft(existing === null ? EMPTY_END_USER_DRAFT : toEndUserDraft(saved));
      queryClient.setQueryData(['principal', saved.id], saved);
      await queryClient.invalidateQueries({ queryKey: ['principals'] });
    },
  });
  const field = existing === null ? 'end-user-new' : 'end-user-edit';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(draft);
  };
  return (
    <form className="form" onSubmit={submit}>
      <div className="form-row">
        {existing === null ? (
          <div className="field">
            <label htmlFor={`${field}-id`}>Id</label>
            <input
              id={`${field}-id`}
              required
              maxLength={200}
              value={draft.id}
              onChange={(event) => setDraft({ ...draft, id: event.target.value })}
            />
            <span className="hint">What the app sends as the `user` field.</span>
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${field}-name`}>Name</label>
          <input
            id={`${field}-name`}
            maxLength={200}
            value={draft.name}
            onChange={(event) => setDraft({ ...draft, name: event.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor={`${field}-groups`}>Groups</label>
          <input
            id={`${field}-groups`}
            value={draft.groups}
            onChange={(event) => setDraft({ ...draft, groups: event.target.value })}
          />
          <span className="hint">Comma-separated, e.g. finance, audit.</span>
        </div>
        <div className="field">
          <label htmlFor={`${field}-roles`}>Roles</label>
          <input
            id={`${field}-roles`}
            value={draft.roles}
            onChange={(event) => setDraft({ ...draft, roles: event.target.value })}
          />
          <span className="hint">Comma-separated.</span>
        </div>
        <div className="field">
          <label htmlFor={`${field}-clearance`}>Clearance</label>
          <input
            id={`${field}-clearance`}
            value={draft.clearance}
            onChange={(event) => setDraft({ ...draft, clearance: event.target.value })}
          />
          <span className="hint">A classification level; empty reaches only the lowest.</span>
        </div>
        <div className="field">
          <label>
            <input
              type="checkbox"
              checked={draft.disabled}
              onChange={(event) => setDraft({ ...draft, disabled: event.target.checked })}
            />{' '}
            Disabled
          </label>
          <span className="hint">Requests naming a disabled end user are refused.</span>
        </div>
      </div>
      {save.isError ? <ErrorState error={save.error} title="Could not save the end user" /> : null}
      {save.isSuccess ? (
        <p className="notice notice-success" role="status">
          {existing === null ? (
            <>
              Added <Link to={endUserPagePath(save.data.id)}>{save.data.id}</Link>.
            </>
          ) : (
            'Saved.'
          )}
        </p>
      ) : null}
      <div>
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {existing === null ? 'Add end user' : 'Save changes'}
        </button>
      </div>
    </form>
  );
}
