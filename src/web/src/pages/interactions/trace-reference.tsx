import type { InteractionRecord } from '../../api/types.js';
import { CopyButton } from '../../components/copy-button.js';

/**
 * The interaction's trace id and span id, copyable, to find the same request in the tracing backend (the gateway
 * exports one span per interaction and continues the caller's `traceparent`).
 */
export function TraceReference({ trace }: { trace: InteractionRecord['trace'] }) {
  if (trace === null) return <span className="muted">not recorded</span>;
  const traceparent = `00-${trace.traceId}-${trace.spanId}-${trace.sampled ? '01' : '00'}`;
  return (
    <span className="trace-reference">
      <span className="trace-line">
        <span className="muted">trace id</span> <code className="break">{trace.traceId}</code>
        <CopyButton text={trace.traceId} accessibleName="Copy trace id" />
      </span>
      <span className="trace-line">
        <span className="muted">traceparent</span> <code className="break">{traceparent}</code>
        <CopyButton text={traceparent} accessibleName="Copy traceparent" />
      </span>
      <span className="trace-line muted">
        span <code>{trace.spanId}</code>
        {trace.parentSpanId === null ? (
          ' (the trace started here)'
        ) : (
          <>
            , child of the caller&apos;s span <code>{trace.parentSpanId}</code>
          </>
        )}
      </span>
    </span>
  );
}
