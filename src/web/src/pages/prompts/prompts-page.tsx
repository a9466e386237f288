import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { apiGet } from '../../api/client.js';
import { EmptyState, ErrorState, LoadingState } from '../../components/query-states.js';
import { formatTime } from '../../format.js';
import { LabelBadges } from './label-badges.js';
import type { PromptSummary } from './prompt-types.js';
import './prompts.css';

/** Every prompt with its latest version and where its labels point. */
export function PromptsPage() {
  const prompts = useQuery({
    queryKey: ['prompts'],
    queryFn: () => apiGet<{ data: PromptSummary[] }>('/api/prompts'),
  });
  return (
    <section aria-labelledby="prompts-heading">
      <div className="page-header">
        <h1 id="prompts-heading">Prompts</h1>
      </div>
      {prompts.isPending ? <LoadingState label="Loading prompts…" /> : null}
      {prompts.isError ? <ErrorState error={prompts.error} title="Could not load prompts" /> : null}
      {prompts.data?.data.length === 0 ? (
        <EmptyState>
          No prompts yet. Push a folder of prompt files with <code>slipway prompts push ./prompts</code>.
        </EmptyState>
      ) : null}
      {prompts.data !== undefined && prompts.data.data.length > 0 ? (
        <div className="card table-wrap">
          <table className="table">
            <caption className="visually-hidden">Prompts and their labels</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" className="number">
                  Latest
                </th>
                <th scope="col">Labels</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {prompts.data.data.map((prompt) => (
                <tr key={prompt.name}>
                  <th scope="row">
                    <Link to={`/prompts/${prompt.name}`} className="mono">
                      {prompt.name}
                    </Link>
                  </th>
                  <td className="number">v{prompt.latestVersion}</td>
                  <td>
                    <LabelBadges labels={prompt.labels} />
                  </td>
                  <td>{formatTime(prompt.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
