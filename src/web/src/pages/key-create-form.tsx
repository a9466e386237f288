import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiPost } from '../api/client.js';
import type { CreatedApiKey, LimitPolicy, ProjectView } from '../api/types.js';
import { CopyButton } from '../components/copy-button.js';
import { ErrorState } from '../components/query-states.js';

const KEY_ROLES = [
  { id: 'app', label: 'app — calls /v1 only' },
  { id: 'developer', label: 'developer — reads the admin API' },
  { id: 'viewer', label: 'viewer — reads the admin API' },
  { id: 'admin', label: 'admin — full control' },
] as const;

const LIMIT_FIELDS: Array<{ id: keyof LimitPolicy; label: string; step: string }> = [
  { id: 'requestsPerMinute', label: 'Requests / minute', step: '1' },
  { id: 'tokensPerMinute', label: 'Tokens / minute', step: '1' },
  { id: 'spendPerDayUsd', label: 'Spend / day (USD)', step: '0.01' },
  { id: 'spendPerMonthUsd', label: 'Spend / month (USD)', step: '0.01' },
];

interface Draft {
  name: string;
  role: string;
  project: string;
  expiresInDays: string;
  allowedModels: string[];
  limits: Record<keyof LimitPolicy, string>;
}

const EMPTY_DRAFT: Draft = {
  name: '',
  role: 'app',
  project: '',
  expiresInDays: '',
  allowedModels: [],
  limits: { requestsPerMinute: '', tokensPerMinute: '', spendPerDayUsd: '', spendPerMonthUsd: '' },
};

function bodyOf(draft: Draft) {
  const limits: LimitPolicy = {};
  for (const field of LIMIT_FIELDS) {
    const text = draft.limits[field.id].trim();
    if (text !== '') limits[field.id] = Number(text);
  }
  return {
    name: draft.name.trim(),
    role: draft.role,
    ...(draft.project === '' ? {} : { project: draft.project }),
    ...(draft.expiresInDays.trim() === '' ? {} : { expiresInDays: Number(draft.expiresInDays) }),
    ...(draft.allowedModels.length === 0 ? {} : { allowedModels: draft.allowedModels }),
    ...(Object.keys(limits).length === 0 ? {} : { limits }),
  };
}

/** Creates an API key and shows its secret, once, with a copy button. */
export function KeyCreateForm({ projects, models }: { projects: ProjectView[]; models: string[] }) {
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: () => apiPost<CreatedApiKey>('/api/keys', bodyOf(draft)),
    onSuccess: async () => {
      setDraft(EMPTY_DRAFT);
      await queryClient.invalidateQueries({ queryKey: ['keys'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const toggleModel = (model: string, checked: boolean) =>
    setDraft((current) => ({
      ...current,
      allowedModels: checked
        ? [...current.allowedModels, model]
        : current.allowedModels.filter((entry) => entry !== model),
    }));

  return (
    <section className="card" aria-labelledby="create-key-heading">
      <h2 id="create-key-heading">Create a key</h2>
      {create.data === undefined ? null : (
        <div className="notice notice-success" role="status">
          <p>
            Key <strong>{create.data.key.name}</strong> created. Copy the secret now: it is shown only once.
          </p>
          <div className="secret">
            <code data-testid="new-key-secret">{create.data.secret}</code>
            <CopyButton text={create.data.secret} label="Copy secret" />
            <button type="button" className="button button-quiet" onClick={() => create.reset()}>
              Done
            </button>
          </div>
        </div>
      )}
      <form className="form" onSubmit={submit}>
        <div className="form-row">
          <div className="field">
            <label htmlFor="key-name">Name</label>
            <input
              id="key-name"
              required
              maxLength={200}
              value={draft.name}
              onChange={(event) => setDraft({ ...draft, name: event.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor="key-role">Role</label>
            <select
              id="key-role"
              value={draft.role}
              onChange={(event) => setDraft({ ...draft, role: event.target.value })}
            >
              {KEY_ROLES.map((role) => (
                <option key={role.id} value={role.id}>
                  {role.label}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="key-project">Project</label>
            <select
              id="key-project"
              value={draft.project}
              onChange={(event) => setDraft({ ...draft, project: event.target.value })}
            >
              <option value="">default</option>
              {projects
                .filter((project) => project.name !== 'default')
                .map((project) => (
                  <option key={project.id} value={project.id}>
                    {project.name}
                  </option>
                ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="key-expiry">Expires in (days)</label>
            <input
              id="key-expiry"
              type="number"
              min={1}
              max={36500}
              placeholder="never"
              value={draft.expiresInDays}
              onChange={(event) => setDraft({ ...draft, expiresInDays: event.target.value })}
            />
          </div>
        </div>
        {models.length === 0 ? null : (
          <fieldset>
            <legend>Allowed models (none checked: every model)</legend>
            <div className="form-row">
              {models.map((model) => (
                <label key={model}>
                  <input
                    type="checkbox"
                    checked={draft.allowedModels.includes(model)}
                    onChange={(event) => toggleModel(model, event.target.checked)}
                  />{' '}
                  {model}
                </label>
              ))}
            </div>
          </fieldset>
        )}
        <fieldset>
          <legend>Limits (empty: unlimited)</legend>
          <div className="form-row">
            {LIMIT_FIELDS.map((field) => (
              <div className="field" key={field.id}>
                <label htmlFor={`key-limit-${field.id}`}>{field.label}</label>
                <input
                  id={`key-limit-${field.id}`}
                  type="number"
                  min={0}
                  step={field.step}
                  value={draft.limits[field.id]}
                  onChange={(event) =>
                    setDraft({ ...draft, limits: { ...draft.limits, [field.id]: event.target.value } })
                  }
                />
              </div>
            ))}
          </div>
        </fieldset>
        {create.isError ? <ErrorState error={create.error} title="Could not create the key" /> : null}
        <div>
          <button type="submit" className="button button-primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </form>
    </section>
  );
}
