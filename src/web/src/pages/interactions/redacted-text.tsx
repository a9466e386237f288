import { splitRedactionMasks } from './redaction-masks.js';

/**
 * Stored text with the redactor's masks styled, so a reader sees at a glance what was removed. Text is rendered
 * as React text nodes, never as HTML: logged text is attacker-controlled.
 */
export function RedactedText({ text }: { text: string }) {
  return (
    <>
      {splitRedactionMasks(text).map((segment, index) =>
        segment.kind === 'mask' ? (
          <mark key={index} className="pii-mask" title={`Redacted ${segment.label}`}>
            {segment.text}
          </mark>
        ) : (
          segment.text
        ),
      )}
    </>
  );
}
