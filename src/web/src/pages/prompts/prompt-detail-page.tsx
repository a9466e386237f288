import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { apiGet } from '../../api/client.js';
import { ErrorState, LoadingState } from '../../components/query-states.js';
import { formatTime } from '../../format.js';
import { LabelHistory } from './label-history.js';
import { PromptDiffPanel } from './prompt-diff-panel.js';
import { PromptTestRuns } from './prompt-test-runs.js';
import { type PromptVersionView, promptApiPath } from './prompt-types.js';
import './prompts.css';

function VersionsTable({ versions }: { versions: PromptVersionView[] }) {
  return (
    <div className="card table-wrap">
      <table className="table">
        <caption className="visually-hidden">Versions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Labels</th>
            <th scope="col">Model</th>
            <th scope="col">Content hash</th>
            <th scope="col">Pushed</th>
            <th scope="col">Commit</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((version) => (
            <tr key={version.version}>
              <th scope="row">v{version.version}</th>
              <td>
                {version.labels.length === 0 ? (
                  <span className="muted">—</span>
                ) : (
                  <span className="prompt-labels">
                    {version.labels.map((label) => (
                      <span key={label} className="badge badge-neutral">
                        {label}
                      </span>
                    ))}
                  </span>
                )}
              </td>
              <td className="mono">{version.definition.model}</td>
              <td className="mono">{version.contentHash.replace(/^sha256:/, '').slice(0, 12)}</td>
              <td>
                {formatTime(version.createdAt)} <span className="muted">by {version.createdBy}</span>
              </td>
              <td>
                {version.source.gitCommit === null ? (
                  <span className="muted">—</span>
                ) : (
                  <>
                    <span className="mono">{version.source.gitCommit.slice(0, 12)}</span>{' '}
                    {version.source.gitMessage?.split('\n')[0]}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One prompt: its versions and labels, a diff between any two, the history of label moves, and test runs. */
export function PromptDetailPage() {
  const name = useParams()['*'] ?? '';
  const versions = useQuery({
    queryKey: ['prompts', name, 'versions'],
    queryFn: () => apiGet<{ data: PromptVersionView[] }>(promptApiPath(name, '/versions')),
  });
  return (
    <section aria-labelledby="prompt-heading">
      <div className="page-header">
        <h1 id="prompt-heading" className="mono">
          {name}
        </h1>
        <Link to="/prompts">All prompts</Link>
      </div>
      {versions.isPending ? <LoadingState label="Loading versions…" /> : null}
      {versions.isError ? <ErrorState error={versions.error} title="Could not load the prompt" /> : null}
      {versions.data === undefined ? null : (
        <>
          <section aria-labelledby="prompt-versions-heading">
            <h2 id="prompt-versions-heading">Versions</h2>
            <VersionsTable versions={versions.data.data} />
          </section>
          {versions.data.data.length > 0 ? (
            <PromptDiffPanel name={name} versions={versions.data.data.map((version) => version.version)} />
          ) : null}
          <LabelHistory name={name} />
          <PromptTestRuns name={name} />
        </>
      )}
    </section>
  );
}
