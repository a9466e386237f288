import type { ReactNode } from 'react';
import { ApiError } from '../api/client.js';

/** The loading state of a panel; announced politely to screen readers. */
export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="state state-loading" role="status" aria-live="polite">
      {label}
    </p>
  );
}

/** The empty state of a panel: what is missing and, if useful, how to get some. */
export function EmptyState({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

/** The error state of a panel, showing the API's message and code. */
export function ErrorState({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : null;
  return (
    <div className="state state-error" role="alert">
      <strong>{title}.</strong> {message}
      {code === null ? null : <span className="muted"> ({code})</span>}
    </div>
  );
}
