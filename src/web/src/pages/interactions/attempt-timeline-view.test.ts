import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { anAttempt, anInteraction } from '../../../../../test/contract/store-fixtures.js';
import { AttemptTimelineView } from './attempt-timeline-view.js';

describe('AttemptTimelineView', () => {
  it('draws each attempt as a bar and says how it went in words', () => {
    const interaction = anInteraction({
      startedAt: 1_000,
      latencyMs: 1_000,
      attempts: [
        anAttempt({
          index: 0,
          providerId: 'primary',
          startedAt: 1_000,
          latencyMs: 250,
          status: 'error',
          errorCode: 'upstream_unavailable',
          errorMessage: 'answered 503',
          upstreamStatus: 503,
        }),
        anAttempt({ index: 1, providerId: 'backup', startedAt: 1_300, latencyMs: 700, ttftMs: 200 }),
      ],
    });
    const html = renderToStaticMarkup(createElement(AttemptTimelineView, { interaction }));
    expect(html.match(/<li /g)).toHaveLength(2);
    expect(html).toContain('class="timeline-bar timeline-bar-error" style="left:0%;width:25%"');
    expect(html).toContain('class="timeline-bar timeline-bar-success" style="left:30%;width:70%"');
    expect(html).toContain('class="timeline-first-token" style="left:50%"');
    expect(html).toContain('#1 primary/gpt-4o-mini');
    expect(html).toContain('started at +0 ms, took 250 ms, upstream HTTP 503');
    expect(html).toContain('<span class="mono">upstream_unavailable</span> answered 503');
    expect(html).toContain('started at +300 ms, took 700 ms, first token after 200 ms, upstream HTTP 200');
  });

  it('explains an interaction that never reached an upstream', () => {
    const html = renderToStaticMarkup(
      createElement(AttemptTimelineView, { interaction: anInteraction({ attempts: [] }) }),
    );
    expect(html).toContain('No upstream attempt was made');
  });
});
