import type { DisplayMessage, MessagePart } from './flatten-messages.js';
import { RedactedText } from './redacted-text.js';

function PartView({ part }: { part: MessagePart }) {
  switch (part.kind) {
    case 'text':
      return (
        <div className="message-text">
          <RedactedText text={part.text} />
        </div>
      );
    case 'image':
      // The URL is shown, not loaded: the dashboard fetches nothing a logged request points at.
      return (
        <div className="message-part">
          <span className="badge badge-neutral">image</span>{' '}
          <span className="mono break">
            <RedactedText text={part.url.startsWith('data:') ? `${part.url.slice(0, 48)}…` : part.url} />
          </span>
          {part.detail === null ? null : <span className="muted"> (detail: {part.detail})</span>}
        </div>
      );
    case 'tool_call':
      return (
        <div className="message-part tool-call">
          <span className="badge badge-neutral">tool call</span> <span className="mono">{part.name}</span>
          {part.id === null ? null : <span className="muted mono"> {part.id}</span>}
          <pre className="message-code">
            <RedactedText text={part.arguments} />
          </pre>
        </div>
      );
    case 'json':
      return (
        <div className="message-part">
          <span className="badge badge-neutral">{part.label}</span>
          <pre className="message-code">
            <RedactedText text={JSON.stringify(part.value, null, 2) ?? String(part.value)} />
          </pre>
        </div>
      );
  }
}

/** One message: its role (and name or answered tool call) then its parts, text shown as text. */
export function MessageView({ message, label }: { message: DisplayMessage; label?: string }) {
  return (
    <article className={`message message-${message.role.replace(/[^a-z_]/gi, '')}`}>
      <header className="message-role">
        <span>{label ?? message.role}</span>
        {message.name === null ? null : <span className="muted"> · {message.name}</span>}
        {message.toolCallId === null ? null : (
          <span className="muted mono"> · answers {message.toolCallId}</span>
        )}
      </header>
      {message.parts.length === 0 ? (
        <p className="muted">(no content)</p>
      ) : (
        message.parts.map((part, index) => <PartView key={index} part={part} />)
      )}
    </article>
  );
}
