import type { ReactNode } from 'react';
import { ErrorState } from './query-states.js';

interface ConfirmNoticeProps {
  /** The dialog's accessible name, e.g. "Revoke my-app?". */
  label: string;
  /** What will happen, shown above the buttons. */
  children: ReactNode;
  /** The danger button's text, e.g. "Confirm revoke". */
  confirmText: string;
  /** Shown over the error when the action failed, e.g. "Could not revoke". */
  failureTitle: string;
  action: { isPending: boolean; isError: boolean; error: unknown; mutate: () => void };
  onCancel: () => void;
}

/** An inline confirmation for a destructive action: what it does, a danger button, Cancel, and its error. */
export function ConfirmNotice(props: ConfirmNoticeProps) {
  const { action } = props;
  return (
    <div className="notice" role="alertdialog" aria-label={props.label}>
      <p>{props.children}</p>
      <div className="toolbar">
        <button
          type="button"
          className="button button-danger"
          disabled={action.isPending}
          onClick={() => action.mutate()}
        >
          {props.confirmText}
        </button>
        <button type="button" className="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
      {action.isError ? <ErrorState error={action.error} title={props.failureTitle} /> : null}
    </div>
  );
}
