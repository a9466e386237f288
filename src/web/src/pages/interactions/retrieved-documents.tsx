import { RedactedText } from './redacted-text.js';

const TEXT_FIELDS = ['text', 'content', 'pageContent', 'chunk'] as const;

function textOf(document: Record<string, unknown>): string | null {
  for (const field of TEXT_FIELDS) {
    const value = document[field];
    if (typeof value === 'string') return value;
  }
  return null;
}

function DocumentView({ document, position }: { document: unknown; position: number }) {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return (
      <pre className="message-code">
        <RedactedText text={JSON.stringify(document, null, 2) ?? String(document)} />
      </pre>
    );
  }
  const record = document as Record<string, unknown>;
  const text = textOf(record);
  const rest = Object.entries(record).filter(([name]) => !(TEXT_FIELDS as readonly string[]).includes(name));
  return (
    <>
      {rest.length === 0 ? null : (
        <dl className="document-fields">
          {rest.map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd className="mono">
                <RedactedText
                  text={typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value))}
                />
              </dd>
            </div>
          ))}
        </dl>
      )}
      {text === null ? null : (
        <div className="message-text">
          <RedactedText text={text} />
        </div>
      )}
      {text === null && rest.length === 0 ? <p className="muted">Document {position + 1} is empty.</p> : null}
    </>
  );
}

/** The documents retrieval added to the prompt, in order, with whatever fields the retriever stored. */
export function RetrievedDocuments({ documents }: { documents: unknown[] }) {
  if (documents.length === 0) {
    return <p className="muted">No documents were retrieved for this interaction.</p>;
  }
  return (
    <ol className="documents">
      {documents.map((document, position) => (
        <li key={position} className="document">
          <DocumentView document={document} position={position} />
        </li>
      ))}
    </ol>
  );
}
