import type { InteractionRecord } from '../../api/types.js';
import { flattenRequest } from './flatten-messages.js';
import { MessageView } from './message-view.js';
import { ParameterTable } from './parameter-table.js';

/** The stored request: its messages by role, then every other field of the body as parameters. */
export function RequestSection({ interaction }: { interaction: InteractionRecord }) {
  const request = flattenRequest(interaction.request);
  return (
    <section className="card" aria-labelledby="request-heading">
      <h2 id="request-heading">Request</h2>
      {request.messages.length === 0 ? (
        <p className="muted">No messages in the stored request.</p>
      ) : (
        <div className="messages">
          {request.messages.map((message, index) => (
            <MessageView key={index} message={message} />
          ))}
        </div>
      )}
      <h3>Parameters</h3>
      <ParameterTable parameters={request.parameters} caption="Request parameters" />
    </section>
  );
}
