import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttemptRecord } from '../../api/types.js';
import { layoutAttemptTimeline } from './attempt-timeline.js';

function attempt(overrides: Partial<AttemptRecord>): AttemptRecord {
  return {
    index: 0,
    providerId: 'openai',
    model: 'gpt-4o',
    startedAt: 1_000,
    latencyMs: 100,
    ttftMs: null,
    status: 'success',
    errorCode: null,
    errorMessage: null,
    upstreamStatus: 200,
    ...overrides,
  };
}

describe('layoutAttemptTimeline', () => {
  it('places a failed attempt and its fallback by start offset and latency', () => {
    const layout = layoutAttemptTimeline({
      startedAt: 1_000,
      latencyMs: 1_000,
      attempts: [
        attempt({ index: 0, startedAt: 1_000, latencyMs: 250, status: 'error', upstreamStatus: 503 }),
        attempt({ index: 1, startedAt: 1_300, latencyMs: 700, ttftMs: 200 }),
      ],
    });
    expect(layout.totalMs).toBe(1_000);
    expect(
      layout.bars.map(({ offsetMs, leftPercent, widthPercent, firstTokenPercent }) => ({
        offsetMs,
        leftPercent,
        widthPercent,
        firstTokenPercent,
      })),
    ).toEqual([
      { offsetMs: 0, leftPercent: 0, widthPercent: 25, firstTokenPercent: null },
      { offsetMs: 300, leftPercent: 30, widthPercent: 70, firstTokenPercent: 50 },
    ]);
    expect(layout.ticksMs).toEqual([0, 200, 400, 600, 800, 1_000]);
  });

  it('stretches the axis when an attempt outlasts the recorded latency', () => {
    const layout = layoutAttemptTimeline({
      startedAt: 0,
      latencyMs: 100,
      attempts: [attempt({ startedAt: 50, latencyMs: 150 })],
    });
    expect(layout.totalMs).toBe(200);
    expect(layout.bars[0]).toMatchObject({ leftPercent: 25, widthPercent: 75 });
  });

  it('keeps instant attempts visible and clamps a start before the interaction', () => {
    const layout = layoutAttemptTimeline({
      startedAt: 1_000,
      latencyMs: 0,
      attempts: [attempt({ startedAt: 990, latencyMs: 0 })],
    });
    expect(layout.totalMs).toBe(1);
    expect(layout.bars[0]).toMatchObject({ offsetMs: 0, leftPercent: 0, widthPercent: 0.75 });
    expect(layout.ticksMs).toEqual([0, 1]);
  });

  it('has an axis and no bars for an interaction with no attempts', () => {
    expect(layoutAttemptTimeline({ startedAt: 5, latencyMs: 30, attempts: [] })).toEqual({
      totalMs: 30,
      bars: [],
      ticksMs: [0, 10, 20, 30],
    });
  });

  it('keeps every bar inside the axis and the ticks few and round', () => {
    const attemptArbitrary = fc.record({
      startedAt: fc.integer({ min: -1_000, max: 100_000 }),
      latencyMs: fc.nat({ max: 100_000 }),
      ttftMs: fc.option(fc.nat({ max: 100_000 })),
    });
    fc.assert(
      fc.property(
        fc.nat({ max: 200_000 }),
        fc.array(attemptArbitrary, { maxLength: 6 }),
        (latencyMs, parts) => {
          const layout = layoutAttemptTimeline({
            startedAt: 0,
            latencyMs,
            attempts: parts.map((part, index) => attempt({ ...part, index })),
          });
          for (const bar of layout.bars) {
            expect(bar.leftPercent).toBeGreaterThanOrEqual(0);
            expect(bar.widthPercent).toBeGreaterThan(0);
            expect(bar.leftPercent + bar.widthPercent).toBeLessThanOrEqual(100 + 1e-9);
            if (bar.firstTokenPercent !== null) expect(bar.firstTokenPercent).toBeLessThanOrEqual(100);
          }
          expect(layout.ticksMs[0]).toBe(0);
          expect(layout.ticksMs.length).toBeGreaterThanOrEqual(2);
          expect(layout.ticksMs.length).toBeLessThanOrEqual(6);
          expect(layout.ticksMs.at(-1)).toBeLessThanOrEqual(layout.totalMs);
        },
      ),
    );
  });
});
