import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { apiPost } from '../../api/client.js';
import { EmptyState, ErrorState } from '../../components/query-states.js';
import type { RetrievalPreview } from './retrieval-types.js';

/** "Search as user X": exactly what a directory end user's search returns, with the decision facts (audited). */
export function PreviewPanel() {
  const [collection, setCollection] = useState('');
  // `?end_user=` comes from an end user's page ("Search the documents as …").
  const [searchParams] = useSearchParams();
  const [endUser, setEndUser] = useState(searchParams.get('end_user') ?? '');
  const [query, setQuery] = useState('');
  const preview = useMutation({
    mutationFn: () =>
      apiPost<RetrievalPreview>('/api/retrieval/preview', {
        collection,
        query,
        ...(endUser === '' ? {} : { end_user: endUser }),
      }),
  });
  return (
    <>
      <form
        className="toolbar"
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          preview.mutate();
        }}
      >
        <div className="field">
          <label htmlFor="preview-collection">Collection</label>
          <input
            id="preview-collection"
            required
            value={collection}
            onChange={(event) => setCollection(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="preview-user">End user (empty: anonymous)</label>
          <input id="preview-user" value={endUser} onChange={(event) => setEndUser(event.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="preview-query">Question</label>
          <input
            id="preview-query"
            required
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
        </div>
        <button type="submit" className="button" disabled={preview.isPending}>
          Search as this user
        </button>
      </form>
      {preview.isError ? <ErrorState error={preview.error} title="The search failed" /> : null}
      {preview.data === undefined ? null : (
        <div className="card">
          <p>
            Path <strong>{preview.data.decision.path}</strong>: {preview.data.decision.allowedChunks} chunks
            allowed, {preview.data.decision.deniedChunks} denied, {preview.data.decision.candidatesExamined}{' '}
            examined.
          </p>
          {preview.data.data.length === 0 ? (
            <EmptyState>This user may read nothing that matches.</EmptyState>
          ) : (
            <ol className="documents">
              {preview.data.data.map((result) => (
                <li key={`${result.document_id}#${result.chunk_index}`} className="document">
                  <p className="mono">
                    {result.document_id} · chunk {result.chunk_index} · score {result.score.toFixed(3)}
                  </p>
                  <div className="message-text">{result.text}</div>
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </>
  );
}
