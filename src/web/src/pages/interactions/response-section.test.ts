import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { anInteraction } from '../../../../../test/contract/store-fixtures.js';
import { ResponseSection } from './response-section.js';

const render = (overrides: Parameters<typeof anInteraction>[0]) =>
  renderToStaticMarkup(createElement(ResponseSection, { interaction: anInteraction(overrides) }));

describe('ResponseSection', () => {
  it('shows each choice with its finish reason and the other fields', () => {
    const html = render({
      response: {
        id: 'chatcmpl-9',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Refunds take [PHONE] days' },
            finish_reason: 'stop',
          },
        ],
      },
    });
    expect(html).toContain('<h2 id="response-heading">Response</h2>');
    expect(html).toContain(
      'Refunds take <mark class="pii-mask" title="Redacted phone number">[PHONE]</mark> days',
    );
    expect(html).toContain('Finish reason: <span class="mono">stop</span>');
    expect(html).toContain('chatcmpl-9');
    expect(html).not.toContain('partial');
  });

  it('marks the text of a stream that was cut off as partial', () => {
    const html = render({
      status: 'incomplete',
      errorCode: 'timeout',
      response: {
        choices: [{ message: { role: 'assistant', content: 'The answer beg' }, finish_reason: null }],
      },
    });
    expect(html).toContain('Response (partial)');
    expect(html).toContain('Incomplete stream.');
    expect(html).toContain('(timeout)');
    expect(html).toContain('The answer beg');
    expect(html).toContain('none (cut off)');
  });

  it('says so when no response was stored', () => {
    expect(render({ status: 'error', response: null })).toContain('the request failed before any answer');
  });
});
