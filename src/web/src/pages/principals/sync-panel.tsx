import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { apiPost } from '../../api/client.js';
import { ErrorState } from '../../components/query-states.js';
import { formatCount } from '../../format.js';
import type { EndUserSyncReport } from './principal-types.js';
import { safeParseSyncFile } from './sync-file-request.js';

function SyncReport({ report }: { report: EndUserSyncReport }) {
  if (report.errors.length > 0) {
    return (
      <div className="state state-error" role="alert">
        <strong>Nothing was changed: {report.errors.length} line(s) are invalid.</strong>
        <ul>
          {report.errors.map((error) => (
            <li key={error.line}>
              Line {error.line}
              {error.id === null ? '' : ` (${error.id})`}: {error.message}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  const counts = [
    ['Created', report.created.length],
    ['Updated', report.updated.length],
    ['Unchanged', report.unchanged],
    ['Removed', report.removed.length],
  ] as const;
  return (
    <div role="status">
      <p className={report.applied ? 'notice notice-success' : 'notice'}>
        {report.dryRun
          ? 'Dry run: nothing was changed. This is what the file would do.'
          : 'The directory now matches the file.'}
        {report.prune ? '' : ' End users not in the file are kept.'}
      </p>
      <dl className="tiles" aria-label="Sync result">
        {counts.map(([label, count]) => (
          <div className="tile" key={label}>
            <dt>{label}</dt>
            <dd>{formatCount(count)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/** Upload of a sync file (CSV or JSON, as `slipway principals sync` takes), with a dry run first by default. */
export function SyncPanel() {
  const [file, setFile] = useState<File | null>(null);
  const [dryRun, setDryRun] = useState(true);
  const [prune, setPrune] = useState(false);
  const queryClient = useQueryClient();
  const sync = useMutation({
    mutationFn: async (chosen: File) => {
      const parsed = safeParseSyncFile(chosen.name, await chosen.text(), { prune, dryRun });
      if (!parsed.success) throw new Error(parsed.message);
      return apiPost<EndUserSyncReport>('/api/principals/sync', parsed.request);
    },
    onSuccess: (report) =>
      report.applied ? queryClient.invalidateQueries({ queryKey: ['principals'] }) : undefined,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (file !== null) sync.mutate(file);
  };
  return (
    <>
      <form className="form" onSubmit={submit}>
        <div className="form-row">
          <div className="field">
            <label htmlFor="sync-file">Sync file</label>
            <input
              id="sync-file"
              type="file"
              accept=".csv,.json,text/csv,application/json"
              required
              onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            />
            <span className="hint">
              CSV with the header id,name,groups,roles,clearance[,disabled], or JSON.
            </span>
          </div>
          <div className="field">
            <label>
              <input type="checkbox" checked={dryRun} onChange={(event) => setDryRun(event.target.checked)} />{' '}
              Dry run (only report what would change)
            </label>
            <label>
              <input type="checkbox" checked={prune} onChange={(event) => setPrune(event.target.checked)} />{' '}
              Remove end users not in the file
            </label>
          </div>
        </div>
        <div>
          <button type="submit" className="button button-primary" disabled={sync.isPending || file === null}>
            {dryRun ? 'Check the file' : 'Sync the directory'}
          </button>
        </div>
      </form>
      {sync.isError ? <ErrorState error={sync.error} title="Could not sync" /> : null}
      {sync.data === undefined ? null : <SyncReport report={sync.data} />}
    </>
  );
}
