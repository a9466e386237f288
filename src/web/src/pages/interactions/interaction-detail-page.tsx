import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { apiGet } from '../../api/client.js';
import type { InteractionRecord } from '../../api/types.js';
import { ErrorState, LoadingState } from '../../components/query-states.js';
import { formatCount, formatMs, formatTime, formatUsd } from '../../format.js';
import { AttemptTimelineView } from './attempt-timeline-view.js';
import { RedactedText } from './redacted-text.js';
import { RequestSection } from './request-section.js';
import { ResponseSection } from './response-section.js';
import { RetrievedDocuments } from './retrieved-documents.js';
import { StatusBadge } from './status-badge.js';
import { TraceReference } from './trace-reference.js';
import { useInteractionLookups } from './use-interaction-lookups.js';
import './interactions.css';

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function DetailBody({ interaction }: { interaction: InteractionRecord }) {
  const lookups = useInteractionLookups();
  return (
    <>
      <div className="card">
        <p className="detail-route">
          <StatusBadge status={interaction.status} />{' '}
          <span className="mono">{interaction.modelRequested}</span>
          <span aria-hidden="true"> → </span>
          <span className="visually-hidden"> served by </span>
          <span className="mono">{interaction.target ?? 'no target served it'}</span>
        </p>
        {interaction.errorCode === null && interaction.errorMessage === null ? null : (
          <p className="state state-error detail-error">
            <span className="mono">{interaction.errorCode}</span> {interaction.errorMessage}
          </p>
        )}
        <dl className="facts">
          <Fact label="Started">{formatTime(interaction.startedAt)}</Fact>
          <Fact label="Project">{lookups.projectName(interaction.projectId)}</Fact>
          <Fact label="Key">{lookups.keyName(interaction.apiKeyId)}</Fact>
          <Fact label="End user">{interaction.endUser ?? <span className="muted">none</span>}</Fact>
          <Fact label="Endpoint">
            <span className="mono">{interaction.endpoint}</span>
            {interaction.stream ? ' (streamed)' : ''}
          </Fact>
          {interaction.variant === null ? null : <Fact label="Variant">{interaction.variant}</Fact>}
          {interaction.batchId === null ? null : (
            <Fact label="Batch">
              <span className="mono">{interaction.batchId}</span>
            </Fact>
          )}
          <Fact label="Trace">
            <TraceReference trace={interaction.trace} />
          </Fact>
        </dl>
      </div>
      <dl className="tiles">
        <div className="tile">
          <dt>Tokens</dt>
          <dd>{formatCount(interaction.totalTokens)}</dd>
          <dd className="tile-note muted">
            {formatCount(interaction.promptTokens)} prompt · {formatCount(interaction.completionTokens)}{' '}
            completion
          </dd>
        </div>
        <div className="tile">
          <dt>Cost</dt>
          <dd>{formatUsd(interaction.costUsd)}</dd>
        </div>
        <div className="tile">
          <dt>Latency</dt>
          <dd>{formatMs(interaction.latencyMs)}</dd>
        </div>
        <div className="tile">
          <dt>Time to first token</dt>
          <dd>{formatMs(interaction.ttftMs)}</dd>
        </div>
        <div className="tile">
          <dt>Attempts</dt>
          <dd>{interaction.attempts.length}</dd>
        </div>
      </dl>
      <section className="card" aria-labelledby="attempts-heading">
        <h2 id="attempts-heading">Attempts</h2>
        <AttemptTimelineView interaction={interaction} />
      </section>
      <RequestSection interaction={interaction} />
      <ResponseSection interaction={interaction} />
      <section className="card" aria-labelledby="prompt-heading">
        <h2 id="prompt-heading">Prompt and retrieval</h2>
        <p>
          Prompt:{' '}
          {interaction.promptName === null ? (
            <span className="muted">none (the request did not use a managed prompt)</span>
          ) : (
            <span className="mono">
              {interaction.promptName}
              {interaction.promptVersion === null ? '' : ` v${interaction.promptVersion}`}
            </span>
          )}
        </p>
        <h3>Retrieved documents</h3>
        <RetrievedDocuments documents={interaction.retrievedDocuments} />
      </section>
      <details className="card raw-json">
        <summary>Raw record (redacted JSON)</summary>
        <pre className="message-code">
          <RedactedText text={JSON.stringify(interaction, null, 2)} />
        </pre>
      </details>
    </>
  );
}

/** One interaction in full at `/interactions/:id`: what was asked, what came back, and how it was served. */
export function InteractionDetailPage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const from: unknown = (location.state as { from?: unknown } | null)?.from;
  const backTo = typeof from === 'string' && from !== '' ? `/interactions?${from}` : '/interactions';
  const interaction = useQuery({
    queryKey: ['interactions', 'detail', id],
    queryFn: () => apiGet<InteractionRecord>(`/api/interactions/${encodeURIComponent(id)}`),
    // A logged interaction never changes.
    staleTime: Infinity,
  });

  return (
    <section aria-labelledby="interaction-heading">
      <p className="breadcrumb">
        <Link to={backTo}>← Interactions</Link>
      </p>
      <div className="page-header">
        <h1 id="interaction-heading">
          Interaction <span className="mono">{id}</span>
        </h1>
      </div>
      {interaction.isPending ? (
        <LoadingState label="Loading the interaction…" />
      ) : interaction.isError ? (
        <ErrorState error={interaction.error} title="Could not load this interaction" />
      ) : (
        <DetailBody interaction={interaction.data} />
      )}
    </section>
  );
}
