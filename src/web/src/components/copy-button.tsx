import { useState } from 'react';

/**
 * Copies a text to the clipboard and says so; falls back to asking the user to copy by hand.
 * `accessibleName` names the button for screen readers when several "Copy" buttons share a page.
 */
export function CopyButton({
  text,
  label = 'Copy',
  accessibleName,
}: {
  text: string;
  label?: string;
  accessibleName?: string;
}) {
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus('copied');
    } catch {
      // Clipboard access needs a secure context (https or localhost) and permission.
      setStatus('failed');
    }
  };
  return (
    <>
      <button
        type="button"
        className="button copy-button"
        onClick={() => void copy()}
        {...(accessibleName === undefined ? {} : { 'aria-label': accessibleName })}
      >
        {label}
      </button>
      <span role="status" className="muted copy-status">
        {status === 'copied'
          ? 'Copied.'
          : status === 'failed'
            ? 'Copy failed: select the text and copy it.'
            : ''}
      </span>
    </>
  );
}
