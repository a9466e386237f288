import { describe, expect, it } from 'vitest';
import { TelemetryFailureLog } from './telemetry-failure-log.js';

describe('TelemetryFailureLog', () => {
  it('counts every failure but logs each kind at most once per interval, summing up the rest', () => {
    let now = 0;
    const lines: string[] = [];
    const log = new TelemetryFailureLog({
      logError: (message) => lines.push(message),
      now: () => now,
      intervalMs: 1000,
    });
    log.report('traces', new Error('ECONNREFUSED'));
    log.report('traces', new Error('ECONNREFUSED'));
    log.report('metrics', new Error('ECONNREFUSED'));
    now = 999;
    log.report('traces', new Error('ECONNREFUSED'));
    now = 1000;
    log.report('traces', new Error('ECONNREFUSED'));
    expect(lines).toEqual([
      'OpenTelemetry trace export failed',
      'OpenTelemetry metric export failed',
      'OpenTelemetry trace export failed (and 2 more times since the last report)',
    ]);
    expect(log.totals()).toEqual({ traces: 4, metrics: 1, conversion: 0 });
  });
});
