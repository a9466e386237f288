import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { apiGet } from '../../api/client.js';
import { ErrorState, LoadingState } from '../../components/query-states.js';
import { type PromptDiffView, promptApiPath } from './prompt-types.js';

function lineClass(line: string): string | undefined {
  if (line.startsWith('+++') || line.startsWith('---')) return undefined;
  if (line.startsWith('+')) return 'diff-add';
  if (line.startsWith('-')) return 'diff-remove';
  if (line.startsWith('@@')) return 'diff-hunk';
  return undefined;
}

function VersionSelect(props: {
  id: string;
  label: string;
  value: number;
  versions: number[];
  onChange(value: number): void;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value}
        onChange={(event) => props.onChange(Number(event.target.value))}
      >
        {props.versions.map((version) => (
          <option key={version} value={version}>
            v{version}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A unified diff between any two versions; the previous and the newest to start with. */
export function PromptDiffPanel({ name, versions }: { name: string; versions: number[] }) {
  const newest = versions[0] ?? 1;
  const [from, setFrom] = useState(versions[1] ?? newest);
  const [to, setTo] = useState(newest);
  const diff = useQuery({
    queryKey: ['prompts', name, 'diff', from, to],
    queryFn: () => apiGet<PromptDiffView>(promptApiPath(name, '/diff'), { from, to }),
  });
  return (
    <section aria-labelledby="prompt-diff-heading" className="prompt-section">
      <h2 id="prompt-diff-heading">Compare versions</h2>
      <div className="toolbar">
        <VersionSelect id="diff-from" label="From" value={from} versions={versions} onChange={setFrom} />
        <VersionSelect id="diff-to" label="To" value={to} versions={versions} onChange={setTo} />
      </div>
      {diff.isPending ? <LoadingState label="Comparing…" /> : null}
      {diff.isError ? <ErrorState error={diff.error} title="Could not compare the versions" /> : null}
      {diff.data?.diff === '' ? (
        <p className="muted">
          v{from} and v{to} are the same.
        </p>
      ) : null}
      {diff.data !== undefined && diff.data.diff !== '' ? (
        <pre className="card prompt-diff" aria-label={`Changes from v${from} to v${to}`} tabIndex={0}>
          {diff.data.diff.split('\n').map((line, index) => (
            <span key={index} className={lineClass(line)}>
              {line}
              {'\n'}
            </span>
          ))}
        </pre>
      ) : null}
    </section>
  );
}
