import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTraceparent, safeParseTraceparent, startTraceContext } from './trace-context.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';
let counter = 0;
const countingBytes = (length: number) => Uint8Array.from({ length }, () => (counter++ % 255) + 1);

describe('safeParseTraceparent', () => {
  it('reads the trace id, parent span and sampled flag', () => {
    expect(safeParseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-01`)).toEqual({
      traceId: TRACE_ID,
      spanId: SPAN_ID,
      sampled: true,
    });
    expect(safeParseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-00`)?.sampled).toBe(false);
  });

  it('accepts later versions with extra fields, as the specification asks', () => {
    expect(safeParseTraceparent(`01-${TRACE_ID}-${SPAN_ID}-01-extra`)?.traceId).toBe(TRACE_ID);
  });

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['upper case', `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`],
    ['zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
    ['zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['version ff', `ff-${TRACE_ID}-${SPAN_ID}-01`],
    ['version 00 with extra fields', `00-${TRACE_ID}-${SPAN_ID}-01-extra`],
    ['short trace id', `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`],
  ])('refuses a %s header', (_name, header) => {
    expect(safeParseTraceparent(header)).toBeNull();
  });

  it('never throws, whatever the header', () => {
    fc.assert(fc.property(fc.string(), (header) => void safeParseTraceparent(header)));
  });
});

describe('startTraceContext', () => {
  it('continues the caller trace with a new span whose parent is the caller span', () => {
    const parent = safeParseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-00`);
    const trace = startTraceContext(parent, countingBytes);
    expect(trace).toMatchObject({ traceId: TRACE_ID, parentSpanId: SPAN_ID, sampled: false });
    expect(trace.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(trace.spanId).not.toBe(SPAN_ID);
  });

  it('starts a sampled trace when there is no caller context', () => {
    const trace = startTraceContext(null, countingBytes);
    expect(trace.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(trace).toMatchObject({ parentSpanId: null, sampled: true });
  });

  it('formats a traceparent that parses back to the same span', () => {
    const trace = startTraceContext(null, countingBytes);
    expect(safeParseTraceparent(formatTraceparent(trace))).toEqual({
      traceId: trace.traceId,
      spanId: trace.spanId,
      sampled: true,
    });
  });
});
