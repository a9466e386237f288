import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { apiDelete, apiGet } from '../api/client.js';
import type { ApiKeyView, LimitPolicy, ProjectView, RouteStatus } from '../api/types.js';
import { useCanManage } from '../api/use-session.js';
import { ConfirmNotice } from '../components/confirm-notice.js';
import { EmptyState, ErrorState, LoadingState } from '../components/query-states.js';
import { formatCount, formatTime, formatUsd } from '../format.js';
import { KeyCreateForm } from './key-create-form.js';
import { KeyUsagePanel } from './key-usage-panel.js';

function statusOf(key: ApiKeyView, now: number): { label: string; className: string } {
  if (key.revokedAt !== null) return { label: 'revoked', className: 'badge badge-danger' };
  if (key.expiresAt !== null && key.expiresAt <= now)
    return { label: 'expired', className: 'badge badge-warning' };
  return { label: 'active', className: 'badge badge-success' };
}

function describeLimits(limits: LimitPolicy): string {
  const parts = [
    limits.requestsPerMinute === undefined ? null : `${formatCount(limits.requestsPerMinute)} req/min`,
    limits.tokensPerMinute === undefined ? null : `${formatCount(limits.tokensPerMinute)} tok/min`,
    limits.spendPerDayUsd === undefined ? null : `${formatUsd(limits.spendPerDayUsd)}/day`,
    limits.spendPerMonthUsd === undefined ? null : `${formatUsd(limits.spendPerMonthUsd)}/month`,
  ].filter((part) => part !== null);
  return parts.length === 0 ? 'unlimited' : parts.join(', ');
}

function KeyRow({ apiKey, canManage }: { apiKey: ApiKeyView; canManage: boolean }) {
  const [showUsage, setShowUsage] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: () => apiDelete<ApiKeyView>(`/api/keys/${encodeURIComponent(apiKey.id)}`),
    onSuccess: async () => {
      setConfirming(false);
      await queryClient.invalidateQueries({ queryKey: ['keys'] });
    },
  });
  const status = statusOf(apiKey, Date.now());
  const active = status.label === 'active';
  return (
    <Fragment>
      <tr data-key-id={apiKey.id}>
        <th scope="row">{apiKey.name}</th>
        <td className="mono">{apiKey.displayPrefix}</td>
        <td>{apiKey.role}</td>
        <td>
          <span className={status.className}>{status.label}</span>
        </td>
        <td>{formatTime(apiKey.createdAt)}</td>
        <td>{apiKey.expiresAt === null ? 'never' : formatTime(apiKey.expiresAt)}</td>
        <td>{apiKey.allowedModels === null ? 'all' : apiKey.allowedModels.join(', ')}</td>
        <td>{describeLimits(apiKey.limits)}</td>
        <td>
          <div className="toolbar">
            <button
              type="button"
              className="button"
              aria-expanded={showUsage}
              onClick={() => setShowUsage(!showUsage)}
            >
              Usage<span className="visually-hidden"> of {apiKey.name}</span>
            </button>
            {canManage && active && !confirming ? (
              <button type="button" className="button button-danger" onClick={() => setConfirming(true)}>
                Revoke<span className="visually-hidden"> {apiKey.name}</span>
              </button>
            ) : null}
          </div>
          {confirming ? (
            <ConfirmNotice
              label={`Revoke ${apiKey.name}?`}
              confirmText="Confirm revoke"
              failureTitle="Could not revoke"
              action={revoke}
              onCancel={() => setConfirming(false)}
            >
              Revoke <strong>{apiKey.name}</strong>? Requests with it fail at once; this cannot be undone.
            </ConfirmNotice>
          ) : null}
        </td>
      </tr>
      {showUsage ? (
        <tr>
          <td colSpan={9}>
            <KeyUsagePanel keyId={apiKey.id} />
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

function KeysTable({
  project,
  keys,
  canManage,
}: {
  project: string;
  keys: ApiKeyView[];
  canManage: boolean;
}) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">API keys of project {project}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Prefix</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Models</th>
            <th scope="col">Limits</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((apiKey) => (
            <KeyRow key={apiKey.id} apiKey={apiKey} canManage={canManage} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** API keys by project: create, revoke, and spend against budget. Read-only for non-admins. */
export function KeysPage() {
  const canManage = useCanManage();
  const projects = useQuery({
    queryKey: ['projects'],
    queryFn: () => apiGet<{ data: ProjectView[] }>('/api/projects'),
  });
  const keys = useQuery({ queryKey: ['keys'], queryFn: () => apiGet<{ data: ApiKeyView[] }>('/api/keys') });
  const routes = useQuery({
    queryKey: ['routes'],
    queryFn: () => apiGet<{ data: RouteStatus[] }>('/api/routes'),
    enabled: canManage,
  });

  const projectName = new Map((projects.data?.data ?? []).map((project) => [project.id, project.name]));
  const byProject = new Map<string, ApiKeyView[]>();
  for (const apiKey of keys.data?.data ?? []) {
    byProject.set(apiKey.projectId, [...(byProject.get(apiKey.projectId) ?? []), apiKey]);
  }

  return (
    <section aria-labelledby="keys-heading">
      <div className="page-header">
        <h1 id="keys-heading">Keys &amp; budgets</h1>
        {canManage ? null : <p className="muted">Read-only: only admins create or revoke keys.</p>}
      </div>
      {canManage && projects.data !== undefined ? (
        <KeyCreateForm
          projects={projects.data.data}
          models={(routes.data?.data ?? []).map((route) => route.model)}
        />
      ) : null}
      {keys.isPending || projects.isPending ? <LoadingState label="Loading keys…" /> : null}
      {keys.isError ? <ErrorState error={keys.error} title="Could not load keys" /> : null}
      {projects.isError ? <ErrorState error={projects.error} title="Could not load projects" /> : null}
      {keys.data?.data.length === 0 ? <EmptyState>No API keys yet.</EmptyState> : null}
      {[...byProject.entries()].map(([projectId, projectKeys]) => {
        const name = projectName.get(projectId) ?? projectId;
        return (
          <section className="card" key={projectId} aria-labelledby={`project-${projectId}`}>
            <h2 id={`project-${projectId}`}>
              Project {name} <span className="muted mono">{projectId}</span>
            </h2>
            <KeysTable project={name} keys={projectKeys} canManage={canManage} />
          </section>
        );
      })}
    </section>
  );
}
