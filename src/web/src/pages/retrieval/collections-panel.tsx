import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiGet, apiRequest } from '../../api/client.js';
import { useCanManage } from '../../api/use-session.js';
import { EmptyState, ErrorState, LoadingState } from '../../components/query-states.js';
import { formatTime } from '../../format.js';
import type { CollectionRecord, DocumentView } from './retrieval-types.js';

function AccessForm({ collection, document }: { collection: string; document: DocumentView }) {
  const client = useQueryClient();
  const [allow, setAllow] = useState(document.allow.join(', '));
  const [classification, setClassification] = useState(document.classification ?? '');
  const save = useMutation({
    mutationFn: () =>
      apiRequest(
        `/api/collections/${encodeURIComponent(collection)}/documents/${encodeURIComponent(document.id)}/access`,
        {
          method: 'PUT',
          body: {
            allow: allow
              .split(',')
              .map((entry) => entry.trim())
              .filter((entry) => entry !== ''),
            classification: classification === '' ? null : classification,
          },
        },
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['documents', collection] }),
  });
  const id = `access-${document.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <form
      className="toolbar"
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <div className="field">
        <label htmlFor={`${id}-allow`}>Allow (everyone, user:…, group:…, role:…)</label>
        <input id={`${id}-allow`} value={allow} onChange={(event) => setAllow(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-classification`}>Classification</label>
        <input
          id={`${id}-classification`}
          value={classification}
          onChange={(event) => setClassification(event.target.value)}
        />
      </div>
      <button type="submit" className="button" disabled={save.isPending}>
        Save access
      </button>
      {save.isError ? <ErrorState error={save.error} title="Could not change access" /> : null}
    </form>
  );
}

function Documents({ collection }: { collection: string }) {
  const canManage = useCanManage();
  const documents = useQuery({
    queryKey: ['documents', collection],
    queryFn: () =>
      apiGet<{ data: DocumentView[] }>(`/api/collections/${encodeURIComponent(collection)}/documents`, {
        limit: 200,
      }),
  });
  if (documents.isPending) return <LoadingState label="Loading documents…" />;
  if (documents.isError) return <ErrorState error={documents.error} title="Could not load documents" />;
  if (documents.data.data.length === 0) return <EmptyState>No documents in {collection} yet.</EmptyState>;
  return (
    <div className="card table-wrap">
      <table className="table">
        <caption className="visually-hidden">Documents of {collection} and who may read them</caption>
        <thead>
          <tr>
            <th scope="col">Document</th>
            <th scope="col">Chunks</th>
            <th scope="col">Who may read</th>
            <th scope="col">Classification</th>
            <th scope="col">Ingested</th>
            {canManage ? <th scope="col">Change access</th> : null}
          </tr>
        </thead>
        <tbody>
          {documents.data.data.map((document) => (
            <tr key={document.id}>
              <th scope="row" className="mono">
                {document.id}
              </th>
              <td>{document.chunkCount}</td>
              <td>{document.allow.join(', ')}</td>
              <td>{document.classification ?? '—'}</td>
              <td>{formatTime(document.ingestedAt)}</td>
              {canManage ? (
                <td>
                  <AccessForm collection={collection} document={document} />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Collections, their documents and each document's access rule (editable by admins). */
export function CollectionsPanel() {
  const collections = useQuery({
    queryKey: ['collections'],
    queryFn: () => apiGet<{ data: CollectionRecord[] }>('/api/collections'),
  });
  const [selected, setSelected] = useState('');
  if (collections.isPending) return <LoadingState label="Loading collections…" />;
  if (collections.isError) return <ErrorState error={collections.error} title="Could not load collections" />;
  if (collections.data.data.length === 0) {
    return <EmptyState>No collections yet: create one with `slipway collections create`.</EmptyState>;
  }
  const current = selected === '' ? (collections.data.data[0]?.name ?? '') : selected;
  return (
    <>
      <div className="field">
        <label htmlFor="retrieval-collection">Collection</label>
        <select
          id="retrieval-collection"
          value={current}
          onChange={(event) => setSelected(event.target.value)}
        >
          {collections.data.data.map((collection) => (
            <option key={collection.name} value={collection.name}>
              {collection.name} ({collection.embeddingModel}, {collection.dimension} dimensions)
            </option>
          ))}
        </select>
      </div>
      <Documents collection={current} />
    </>
  );
}
