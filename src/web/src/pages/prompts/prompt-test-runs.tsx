import { useQuery } from '@tanstack/react-query';
import { apiGet } from '../../api/client.js';
import { EmptyState, ErrorState, LoadingState } from '../../components/query-states.js';
import { formatMs, formatTime, formatUsd } from '../../format.js';
import { type PromptTestRun, promptApiPath } from './prompt-types.js';

function PassBadge({ passed }: { passed: boolean }) {
  return (
    <span className={passed ? 'badge badge-success' : 'badge badge-danger'}>
      {passed ? 'passed' : 'failed'}
    </span>
  );
}

function TestRunCases({ run }: { run: PromptTestRun }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Cases of test run {run.id}</caption>
        <thead>
          <tr>
            <th scope="col">Case</th>
            <th scope="col">Result</th>
            <th scope="col" className="number">
              Latency
            </th>
            <th scope="col" className="number">
              Cost
            </th>
            <th scope="col">Assertions and answer</th>
          </tr>
        </thead>
        <tbody>
          {run.cases.map((testCase) => (
            <tr key={testCase.name}>
              <th scope="row">{testCase.name}</th>
              <td>
                <PassBadge passed={testCase.passed} />
              </td>
              <td className="number">{formatMs(testCase.latencyMs)}</td>
              <td className="number">{formatUsd(testCase.costUsd)}</td>
              <td>
                <ul>
                  {testCase.error === null ? null : <li>{testCase.error}</li>}
                  {testCase.assertions.map((result, index) => (
                    <li key={index}>
                      {result.passed ? '✓' : '✗'} <span className="mono">{result.assertion.type}</span>:{' '}
                      {result.message}
                    </li>
                  ))}
                </ul>
                {testCase.output === null ? null : <p className="prompt-case-output">{testCase.output}</p>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The prompt's test runs, newest first, each with its cases behind a disclosure. */
export function PromptTestRuns({ name }: { name: string }) {
  const runs = useQuery({
    queryKey: ['prompts', name, 'test-runs'],
    queryFn: () => apiGet<{ data: PromptTestRun[] }>(promptApiPath(name, '/test-runs')),
  });
  return (
    <section aria-labelledby="prompt-runs-heading" className="prompt-section">
      <h2 id="prompt-runs-heading">Test runs</h2>
      {runs.isPending ? <LoadingState label="Loading test runs…" /> : null}
      {runs.isError ? <ErrorState error={runs.error} title="Could not load the test runs" /> : null}
      {runs.data?.data.length === 0 ? (
        <EmptyState>
          No test runs yet. Run them with <code>slipway prompts test {name}</code>.
        </EmptyState>
      ) : null}
      {runs.data?.data.map((run) => (
        <details key={run.id} className="card">
          <summary>
            <PassBadge passed={run.passed} /> v{run.version} on <span className="mono">{run.model}</span>,{' '}
            {run.cases.filter((testCase) => testCase.passed).length} of {run.cases.length} cases passed,{' '}
            {formatTime(run.finishedAt)} by <span className="mono">{run.actor}</span>
          </summary>
          <TestRunCases run={run} />
        </details>
      ))}
    </section>
  );
}
