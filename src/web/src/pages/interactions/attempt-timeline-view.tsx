import type { InteractionRecord } from '../../api/types.js';
import { formatMs } from '../../format.js';
import { layoutAttemptTimeline } from './attempt-timeline.js';
import { StatusBadge } from './status-badge.js';

/**
 * Every attempt on one time axis: where it started relative to the interaction, how long it took, where its first
 * token came, and how it ended. Each row also says all of it in words, for screen readers and for copying.
 */
export function AttemptTimelineView({ interaction }: { interaction: InteractionRecord }) {
  const layout = layoutAttemptTimeline(interaction);
  if (layout.bars.length === 0) {
    return <p className="muted">No upstream attempt was made (the request was refused before routing).</p>;
  }
  return (
    <div className="timeline">
      <div className="timeline-axis" aria-hidden="true">
        {layout.ticksMs.map((tick) => (
          <span
            key={tick}
            // A label near the right edge is drawn to the left of its tick, inside the axis.
            className={
              tick / layout.totalMs > 0.9 && tick > 0 ? 'timeline-tick timeline-tick-end' : 'timeline-tick'
            }
            style={{ left: `${(tick / layout.totalMs) * 100}%` }}
          >
            {formatMs(tick)}
          </span>
        ))}
      </div>
      <ol className="timeline-rows">
        {layout.bars.map((bar) => {
          const { attempt } = bar;
          return (
            <li key={attempt.index} className="timeline-row">
              <div className="timeline-label">
                <span className="mono">
                  #{attempt.index + 1} {attempt.providerId}/{attempt.model}
                </span>
              </div>
              <div className="timeline-track" aria-hidden="true">
                <span
                  className={`timeline-bar timeline-bar-${attempt.status}`}
                  style={{ left: `${bar.leftPercent}%`, width: `${bar.widthPercent}%` }}
                />
                {bar.firstTokenPercent === null ? null : (
                  <span className="timeline-first-token" style={{ left: `${bar.firstTokenPercent}%` }} />
                )}
              </div>
              <div className="timeline-detail">
                <StatusBadge status={attempt.status} />{' '}
                <span>
                  started at +{formatMs(bar.offsetMs)}, took {formatMs(attempt.latencyMs)}
                  {attempt.ttftMs === null ? '' : `, first token after ${formatMs(attempt.ttftMs)}`}
                  {attempt.upstreamStatus === null ? '' : `, upstream HTTP ${attempt.upstreamStatus}`}
                </span>
                {attempt.errorCode === null && attempt.errorMessage === null ? null : (
                  <div className="timeline-error">
                    <span className="mono">{attempt.errorCode}</span> {attempt.errorMessage}
                  </div>
                )}
              </div>
            </li>
          );
        })}
      </ol>
      <p className="muted timeline-legend" aria-hidden="true">
        Bars span each attempt from its start to its end, on the interaction&apos;s clock; a failed attempt is
        hatched; the vertical mark is its first token.
      </p>
    </div>
  );
}
