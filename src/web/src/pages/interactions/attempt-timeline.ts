import type { AttemptRecord, InteractionRecord } from '../../api/types.js';

/** One attempt placed on the interaction's time axis, in percent of the axis width. */
interface TimelineBar {
  attempt: AttemptRecord;
  /** Milliseconds from the interaction's start to the attempt's start (never negative). */
  offsetMs: number;
  leftPercent: number;
  widthPercent: number;
  /** Where the first token arrived, in percent of the axis; null when the attempt streamed none. */
  firstTokenPercent: number | null;
}

export interface TimelineLayout {
  /** The axis length: the interaction's latency, or longer when an attempt outlasted it. */
  totalMs: number;
  bars: TimelineBar[];
  /** Axis labels, in milliseconds from the start, at a round step. */
  ticksMs: number[];
}

/** An attempt of a few microseconds would be invisible; every bar keeps at least this width. */
const MIN_WIDTH_PERCENT = 0.75;
const MAX_TICKS = 5;

/** The round step (1, 2 or 5 × 10ⁿ whole ms) that divides `totalMs` into at most `MAX_TICKS` intervals. */
function tickStep(totalMs: number): number {
  const rough = Math.max(1, totalMs / MAX_TICKS);
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  for (const factor of [1, 2, 5, 10]) {
    if (factor * magnitude >= rough) return factor * magnitude;
  }
  return 10 * magnitude;
}

function percentOf(ms: number, totalMs: number): number {
  return Math.min(100, Math.max(0, (ms / totalMs) * 100));
}

/**
 * Places each attempt by its start offset and latency relative to the interaction. Clocks are the gateway's, so
 * offsets are normally within the interaction; a negative one (a record edited by hand, a clock step) is clamped to
 * the start rather than drawn off the axis.
 */
export function layoutAttemptTimeline(
  interaction: Pick<InteractionRecord, 'startedAt' | 'latencyMs' | 'attempts'>,
): TimelineLayout {
  const placed = interaction.attempts.map((attempt) => ({
    attempt,
    offsetMs: Math.max(0, attempt.startedAt - interaction.startedAt),
    durationMs: Math.max(0, attempt.latencyMs),
  }));
  const lastEnd = Math.max(0, ...placed.map((bar) => bar.offsetMs + bar.durationMs));
  const totalMs = Math.max(1, interaction.latencyMs, lastEnd);
  const bars = placed.map(({ attempt, offsetMs, durationMs }): TimelineBar => {
    const widthPercent = Math.max(MIN_WIDTH_PERCENT, percentOf(durationMs, totalMs));
    const leftPercent = Math.min(percentOf(offsetMs, totalMs), 100 - widthPercent);
    return {
      attempt,
      offsetMs,
      leftPercent,
      widthPercent,
      firstTokenPercent: attempt.ttftMs === null ? null : percentOf(offsetMs + attempt.ttftMs, totalMs),
    };
  });
  const step = tickStep(totalMs);
  const ticksMs: number[] = [];
  for (let count = 0; count * step <= totalMs; count++) ticksMs.push(count * step);
  return { totalMs, bars, ticksMs };
}
