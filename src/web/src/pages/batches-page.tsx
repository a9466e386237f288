import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { apiGet } from '../api/client.js';
import { EmptyState, ErrorState, LoadingState } from '../components/query-states.js';
import { formatCount, formatTime } from '../format.js';

const REFRESH_MS = 3_000;

/** A batch as `GET /api/batches` lists it: OpenAI's batch object (times in seconds) and its project. */
interface BatchItem {
  id: string;
  project_id: string;
  endpoint: string;
  status: string;
  input_file_id: string;
  output_file_id: string | null;
  error_file_id: string | null;
  created_at: number;
  in_progress_at: number | null;
  completed_at: number | null;
  cancelled_at: number | null;
  expired_at: number | null;
  failed_at: number | null;
  expires_at: number;
  request_counts: { total: number; completed: number; failed: number };
  metadata: Record<string, string> | null;
}

const STATUS_BADGE: Record<string, string> = {
  completed: 'badge-success',
  failed: 'badge-danger',
  expired: 'badge-danger',
  cancelled: 'badge-warning',
  cancelling: 'badge-warning',
};

const msOf = (seconds: number | null) => (seconds === null ? null : seconds * 1000);

function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge ${STATUS_BADGE[status] ?? 'badge-neutral'}`}>{status.replace('_', ' ')}</span>
  );
}

function Progress({ batch }: { batch: BatchItem }) {
  const { total, completed, failed } = batch.request_counts;
  const done = completed + failed;
  return (
    <div className="meter">
      <progress
        max={Math.max(total, 1)}
        value={done}
        aria-label={`${batch.id}: ${formatCount(done)} of ${formatCount(total)} requests done`}
      />
      <span className="meter-value">
        {formatCount(done)} / {formatCount(total)}
        {failed > 0 ? <span className="muted"> ({formatCount(failed)} failed)</span> : null}
      </span>
    </div>
  );
}

function BatchDetail({ batch }: { batch: BatchItem }) {
  const headingId = `batch-${batch.id}`;
  const rows: Array<[string, string]> = [
    ['Project', batch.project_id],
    ['Endpoint', batch.endpoint],
    ['Input file', batch.input_file_id],
    ['Output file', batch.output_file_id ?? '-'],
    ['Error file', batch.error_file_id ?? '-'],
    ['Created', formatTime(msOf(batch.created_at))],
    ['Started', formatTime(msOf(batch.in_progress_at))],
    ['Completed', formatTime(msOf(batch.completed_at))],
    ['Cancelled', formatTime(msOf(batch.cancelled_at))],
    ['Expires', formatTime(msOf(batch.expires_at))],
  ];
  return (
    <section className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        <span className="mono">{batch.id}</span> <StatusBadge status={batch.status} />
      </h2>
      <dl className="tiles">
        <div className="tile">
          <dt>Requests</dt>
          <dd>{formatCount(batch.request_counts.total)}</dd>
        </div>
        <div className="tile">
          <dt>Completed</dt>
          <dd>{formatCount(batch.request_counts.completed)}</dd>
        </div>
        <div className="tile">
          <dt>Failed</dt>
          <dd>{formatCount(batch.request_counts.failed)}</dd>
        </div>
      </dl>
      <div className="table-wrap">
        <table className="table">
          <caption className="visually-hidden">Details of {batch.id}</caption>
          <tbody>
            {rows.map(([name, value]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td className="mono">{value}</td>
              </tr>
            ))}
            {Object.entries(batch.metadata ?? {}).map(([key, value]) => (
              <tr key={`metadata-${key}`}>
                <th scope="row">metadata.{key}</th>
                <td className="mono">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Batches of the OpenAI Batch API: status and progress of each, refreshed every few seconds, and one's detail. */
export function BatchesPage() {
  const [selected, setSelected] = useState<string | null>(null);
  const batches = useQuery({
    queryKey: ['batches'],
    queryFn: () => apiGet<{ data: BatchItem[] }>('/api/batches', { limit: 100 }),
    refetchInterval: REFRESH_MS,
  });
  const chosen = batches.data?.data.find((batch) => batch.id === selected) ?? null;
  return (
    <section aria-labelledby="batches-heading">
      <div className="page-header">
        <h1 id="batches-heading">Batches</h1>
      </div>
      {batches.isPending ? <LoadingState /> : null}
      {batches.isError ? <ErrorState error={batches.error} /> : null}
      {batches.data?.data.length === 0 ? (
        <EmptyState>No batches yet. Submit one with the OpenAI SDK or `slipway batches submit`.</EmptyState>
      ) : null}
      {batches.data !== undefined && batches.data.data.length > 0 ? (
        <div className="table-wrap card">
          <table className="table">
            <caption className="visually-hidden">Batches, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Batch</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Endpoint</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {batches.data.data.map((batch) => (
                <tr key={batch.id}>
                  <th scope="row">
                    <button
                      type="button"
                      className="button-quiet mono"
                      aria-pressed={batch.id === selected}
                      onClick={() => setSelected(batch.id === selected ? null : batch.id)}
                    >
                      {batch.id}
                    </button>
                  </th>
                  <td>
                    <StatusBadge status={batch.status} />
                  </td>
                  <td>
                    <Progress batch={batch} />
                  </td>
                  <td className="mono">{batch.endpoint}</td>
                  <td>{formatTime(msOf(batch.created_at))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {chosen === null ? null : <BatchDetail batch={chosen} />}
    </section>
  );
}
