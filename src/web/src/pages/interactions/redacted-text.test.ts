import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RedactedText } from './redacted-text.js';

describe('RedactedText', () => {
  it('renders logged text as text, never as markup, with masks highlighted', () => {
    const html = renderToStaticMarkup(
      createElement(RedactedText, { text: '<img src=x onerror="alert(1)"> mail [EMAIL] & <b>bold</b>' }),
    );
    expect(html).toBe(
      '&lt;img src=x onerror=&quot;alert(1)&quot;&gt; mail ' +
        '<mark class="pii-mask" title="Redacted e-mail address">[EMAIL]</mark> &amp; &lt;b&gt;bold&lt;/b&gt;',
    );
  });
});
