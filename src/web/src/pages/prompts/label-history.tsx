import { useQuery } from '@tanstack/react-query';
import { apiGet } from '../../api/client.js';
import { EmptyState, ErrorState, LoadingState } from '../../components/query-states.js';
import { formatTime } from '../../format.js';
import { type PromptLabelMove, promptApiPath } from './prompt-types.js';

/** Every move of the prompt's labels, newest first: who, when, from, to, why, and the run that allowed it. */
export function LabelHistory({ name }: { name: string }) {
  const moves = useQuery({
    queryKey: ['prompts', name, 'label-moves'],
    queryFn: () => apiGet<{ data: PromptLabelMove[] }>(promptApiPath(name, '/label-moves')),
  });
  return (
    <section aria-labelledby="prompt-moves-heading" className="prompt-section">
      <h2 id="prompt-moves-heading">Label history</h2>
      {moves.isPending ? <LoadingState label="Loading label moves…" /> : null}
      {moves.isError ? <ErrorState error={moves.error} title="Could not load the label history" /> : null}
      {moves.data?.data.length === 0 ? <EmptyState>No label has moved yet.</EmptyState> : null}
      {moves.data !== undefined && moves.data.data.length > 0 ? (
        <div className="card table-wrap">
          <table className="table">
            <caption className="visually-hidden">Label moves, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Label</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Kind</th>
                <th scope="col">Who</th>
                <th scope="col">Why</th>
                <th scope="col">Test run</th>
              </tr>
            </thead>
            <tbody>
              {moves.data.data.map((move) => (
                <tr key={move.id}>
                  <td>{formatTime(move.at)}</td>
                  <th scope="row">{move.label}</th>
                  <td>{move.fromVersion === null ? '—' : `v${move.fromVersion}`}</td>
                  <td>v{move.toVersion}</td>
                  <td>
                    {move.kind}
                    {move.override ? <span className="badge badge-warning"> override</span> : null}
                  </td>
                  <td className="mono">{move.actor}</td>
                  <td>{move.reason ?? '—'}</td>
                  <td className="mono">{move.testRunId ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
