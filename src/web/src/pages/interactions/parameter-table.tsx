import type { DisplayParameter } from './flatten-messages.js';
import { RedactedText } from './redacted-text.js';

/** Name/value rows of a request's parameters or a response's fields, values as text with masks styled. */
export function ParameterTable({ parameters, caption }: { parameters: DisplayParameter[]; caption: string }) {
  if (parameters.length === 0) return <p className="muted">None.</p>;
  return (
    <div className="table-wrap">
      <table className="table parameter-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {parameters.map((parameter) => (
            <tr key={parameter.name}>
              <th scope="row" className="mono">
                {parameter.name}
              </th>
              <td className="mono break">
                <RedactedText text={parameter.value} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
