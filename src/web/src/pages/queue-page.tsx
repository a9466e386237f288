import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiGet, apiPost } from '../api/client.js';
import type { DeadLetter, QueueStatusReport } from '../api/types.js';
import { useCanManage } from '../api/use-session.js';
import { EmptyState, ErrorState, LoadingState } from '../components/query-states.js';
import { formatCount, formatTime } from '../format.js';

const REFRESH_MS = 5_000;
const DEAD_LETTER_LIMIT = 100;

function JobsTable({ status }: { status: QueueStatusReport }) {
  if (status.jobs.length === 0) return <EmptyState>No jobs have been queued yet.</EmptyState>;
  return (
    <div className="card table-wrap">
      <table className="table">
        <caption className="visually-hidden">Jobs per name</caption>
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col" className="number">
              Ready
            </th>
            <th scope="col" className="number">
              Delayed
            </th>
            <th scope="col" className="number">
              In flight
            </th>
            <th scope="col" className="number">
              Dead letters
            </th>
          </tr>
        </thead>
        <tbody>
          {status.jobs.map((job) => (
            <tr key={job.name}>
              <th scope="row" className="mono">
                {job.name}
              </th>
              <td className="number">{formatCount(job.ready)}</td>
              <td className="number">{job.delayed === null ? '—' : formatCount(job.delayed)}</td>
              <td className="number">{formatCount(job.inFlight)}</td>
              <td className="number">{formatCount(job.deadLettered)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function WorkersTable({ status }: { status: QueueStatusReport }) {
  if (status.workers.length === 0) {
    return <EmptyState>No live workers: jobs wait until a worker runs (slipway worker).</EmptyState>;
  }
  return (
    <div className="card table-wrap">
      <table className="table">
        <caption className="visually-hidden">Live worker processes</caption>
        <thead>
          <tr>
            <th scope="col">Worker</th>
            <th scope="col">Host</th>
            <th scope="col" className="number">
              PID
            </th>
            <th scope="col">Started</th>
            <th scope="col">Last seen</th>
            <th scope="col">Jobs</th>
          </tr>
        </thead>
        <tbody>
          {status.workers.map((worker) => (
            <tr key={worker.id}>
              <th scope="row" className="mono">
                {worker.id}
              </th>
              <td>{worker.host}</td>
              <td className="number">{worker.pid}</td>
              <td>{formatTime(worker.startedAt)}</td>
              <td>{formatTime(worker.lastSeenAt)}</td>
              <td className="mono">{worker.jobNames.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DeadLettersTable({ letters, canManage }: { letters: DeadLetter[]; canManage: boolean }) {
  const queryClient = useQueryClient();
  const redrive = useMutation({
    mutationFn: (body: { ids?: string[] }) => apiPost<{ redriven: number }>('/api/queue/redrive', body),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['queue'] });
    },
  });
  if (letters.length === 0) return <EmptyState>No dead letters.</EmptyState>;
  return (
    <>
      {canManage ? (
        <div className="toolbar">
          <button
            type="button"
            className="button button-primary"
            disabled={redrive.isPending}
            onClick={() => redrive.mutate({})}
          >
            Re-drive all
          </button>
        </div>
      ) : null}
      {redrive.isSuccess ? (
        <p className="notice notice-success" role="status">
          Re-drove {formatCount(redrive.data.redriven)} {redrive.data.redriven === 1 ? 'job' : 'jobs'}.
        </p>
      ) : null}
      {redrive.isError ? <ErrorState error={redrive.error} /> : null}
      <div className="card table-wrap">
        <table className="table">
          <caption className="visually-hidden">
            Dead-lettered jobs, with the reason of their last failure
          </caption>
          <thead>
            <tr>
              <th scope="col">Job id</th>
              <th scope="col">Job</th>
              <th scope="col" className="number">
                Attempts
              </th>
              <th scope="col">Dead since</th>
              <th scope="col">Reason</th>
              {canManage ? (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {letters.map((letter) => (
              <tr key={letter.id}>
                <th scope="row" className="mono">
                  {letter.id}
                </th>
                <td className="mono">{letter.name}</td>
                <td className="number">{letter.attempts}</td>
                <td>{formatTime(letter.deadLetteredAt)}</td>
                <td>{letter.reason}</td>
                {canManage ? (
                  <td>
                    <button
                      type="button"
                      className="button button-quiet"
                      disabled={redrive.isPending}
                      aria-label={`Re-drive job ${letter.id}`}
                      onClick={() => redrive.mutate({ ids: [letter.id] })}
                    >
                      Re-drive
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** The job queue: depth per job name, live workers, and dead letters (admins can re-drive them). */
export function QueuePage() {
  const canManage = useCanManage();
  const status = useQuery({
    queryKey: ['queue', 'status'],
    queryFn: () => apiGet<QueueStatusReport>('/api/queue'),
    refetchInterval: REFRESH_MS,
  });
  const deadLetters = useQuery({
    queryKey: ['queue', 'dead-letters'],
    queryFn: () => apiGet<{ data: DeadLetter[] }>('/api/queue/dead-letters', { limit: DEAD_LETTER_LIMIT }),
    refetchInterval: REFRESH_MS,
  });
  return (
    <section aria-labelledby="queue-heading">
      <div className="page-header">
        <h1 id="queue-heading">Queue</h1>
        {status.data ? <span className="badge badge-neutral">{status.data.kind}</span> : null}
      </div>
      <h2>Jobs</h2>
      {status.isPending ? <LoadingState /> : null}
      {status.isError ? <ErrorState error={status.error} /> : null}
      {status.data ? <JobsTable status={status.data} /> : null}
      <h2>Live workers</h2>
      {status.data ? <WorkersTable status={status.data} /> : null}
      <h2>Dead letters</h2>
      {deadLetters.isPending ? <LoadingState /> : null}
      {deadLetters.isError ? <ErrorState error={deadLetters.error} /> : null}
      {deadLetters.data ? <DeadLettersTable letters={deadLetters.data.data} canManage={canManage} /> : null}
    </section>
  );
}
