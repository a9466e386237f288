import type { MouseEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import type { InteractionSummary } from '../../api/types.js';
import { formatCount, formatMs, formatTime, formatUsd } from '../../format.js';
import { StatusBadge } from './status-badge.js';
import type { InteractionLookups } from './use-interaction-lookups.js';

interface InteractionsTableProps {
  interactions: InteractionSummary[];
  lookups: Pick<InteractionLookups, 'projectName' | 'keyName'>;
  /** The explorer's query string, handed to the detail page so its "back" link returns to this view. */
  listSearch: string;
  caption: string;
}

/**
 * The dense table of interactions. Each row opens its detail: the time is a real link (keyboard: Tab, Enter;
 * middle-click opens a tab), and a click anywhere else on the row follows it too.
 */
export function InteractionsTable({ interactions, lookups, listSearch, caption }: InteractionsTableProps) {
  const navigate = useNavigate();
  const state = { from: listSearch };

  function openRow(event: MouseEvent<HTMLTableRowElement>, id: string) {
    // Let links, selections and modified clicks behave as the browser means them to.
    if (event.target instanceof Element && event.target.closest('a') !== null) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || window.getSelection()?.toString()) return;
    void navigate(`/interactions/${encodeURIComponent(id)}`, { state });
  }

  return (
    <div className="table-wrap">
      <table className="table explorer-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Status</th>
            <th scope="col">Model → target</th>
            <th scope="col">Project</th>
            <th scope="col">Key</th>
            <th scope="col">User</th>
            <th scope="col" className="number">
              Tokens
            </th>
            <th scope="col" className="number">
              Cost
            </th>
            <th scope="col" className="number">
              Latency
            </th>
            <th scope="col" className="number">
              TTFT
            </th>
            <th scope="col" className="number">
              Attempts
            </th>
          </tr>
        </thead>
        <tbody>
          {interactions.map((interaction) => (
            <tr
              key={interaction.id}
              className="clickable-row"
              onClick={(event) => openRow(event, interaction.id)}
            >
              <td className="nowrap">
                <Link to={`/interactions/${encodeURIComponent(interaction.id)}`} state={state}>
                  {formatTime(interaction.startedAt)}
                </Link>
              </td>
              <td>
                <StatusBadge status={interaction.status} />
                {interaction.errorCode === null ? null : (
                  <span className="muted explorer-error-code"> {interaction.errorCode}</span>
                )}
              </td>
              <td>
                <span className="mono">{interaction.modelRequested}</span>
                <span aria-hidden="true"> → </span>
                <span className="visually-hidden"> served by </span>
                <span className="mono">{interaction.target ?? '—'}</span>
              </td>
              <td>{lookups.projectName(interaction.projectId)}</td>
              <td>{lookups.keyName(interaction.apiKeyId)}</td>
              <td>{interaction.endUser ?? <span className="muted">—</span>}</td>
              <td
                className="number"
                title={`${formatCount(interaction.promptTokens)} prompt + ${formatCount(interaction.completionTokens)} completion`}
              >
                {formatCount(interaction.totalTokens)}
              </td>
              <td className="number">{formatUsd(interaction.costUsd)}</td>
              <td className="number">{formatMs(interaction.latencyMs)}</td>
              <td className="number">{formatMs(interaction.ttftMs)}</td>
              <td className="number">
                {interaction.attemptCount > 1 ? (
                  <strong>{interaction.attemptCount}</strong>
                ) : (
                  interaction.attemptCount
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
