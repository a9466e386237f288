import type { InteractionRecord } from '../../api/types.js';
import { flattenResponse } from './flatten-messages.js';
import { MessageView } from './message-view.js';
import { ParameterTable } from './parameter-table.js';

/**
 * The stored response: each choice with its finish reason, then the body's other fields. For a stream that was
 * cut off, the text the client received so far, marked as partial.
 */
export function ResponseSection({ interaction }: { interaction: InteractionRecord }) {
  const response = flattenResponse(interaction.response);
  const partial = interaction.status === 'incomplete';
  return (
    <section className={`card${partial ? ' response-partial' : ''}`} aria-labelledby="response-heading">
      <h2 id="response-heading">Response{partial ? ' (partial)' : ''}</h2>
      {partial ? (
        <p className="notice">
          <strong>Incomplete stream.</strong> The stream ended before the model finished
          {interaction.errorCode === null ? '' : ` (${interaction.errorCode})`}: below is the text the client
          received up to that point.
        </p>
      ) : null}
      {response === null ? (
        <p className="muted">
          No response was stored
          {interaction.status === 'error' ? ': the request failed before any answer.' : '.'}
        </p>
      ) : (
        <>
          {response.choices.map((choice) => (
            <div key={choice.index} className="choice">
              <MessageView
                message={choice.message}
                label={`${choice.message.role}${response.choices.length > 1 ? ` · choice ${choice.index}` : ''}`}
              />
              <p className="muted choice-finish">
                Finish reason:{' '}
                <span className="mono">{choice.finishReason ?? (partial ? 'none (cut off)' : 'none')}</span>
              </p>
            </div>
          ))}
          {response.fields.length === 0 ? null : (
            <>
              <h3>{response.choices.length === 0 ? 'Body' : 'Other fields'}</h3>
              <ParameterTable parameters={response.fields} caption="Response fields" />
            </>
          )}
        </>
      )}
    </section>
  );
}
