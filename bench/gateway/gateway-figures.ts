import { mean, median, summarize } from '../lib/bench-stats.js';
import type { StreamSamples } from './streaming.js';
import type { TargetName } from './target.js';
import type { ThroughputFigures } from './throughput.js';

export interface LatencyFigures {
  samples: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** p50 minus the direct call's p50: what the gateway adds to one request. */
  addedP50Ms: number;
}

export interface StreamingFigures {
  streams: number;
  firstTokenP50Ms: number;
  /** Median time to first token minus the direct call's. */
  addedFirstTokenMs: number;
  gapMeanMs: number;
  gapMedianMs: number;
  addedGapMeanMs: number;
  addedGapMedianMs: number;
}

/** Every figure of one run, per target; a target that could not be measured is absent from the maps. */
export interface GatewayFigures {
  latency: Partial<Record<TargetName, LatencyFigures>>;
  /** Non-stream requests after a stream-long pause: the reference for the time to first token. */
  pacedLatency: Partial<Record<TargetName, LatencyFigures>>;
  throughput: Partial<Record<TargetName, ThroughputFigures>>;
  streaming: Partial<Record<TargetName, StreamingFigures>>;
}

export interface GatewaySamples {
  latency: ReadonlyMap<TargetName, number[]>;
  pacedLatency: ReadonlyMap<TargetName, number[]>;
  throughput: ReadonlyMap<TargetName, ThroughputFigures>;
  streaming: ReadonlyMap<TargetName, StreamSamples>;
}

/** p50, p95, p99 and the p50 added over the direct call, per target. */
function latencyFigures(
  samples: ReadonlyMap<TargetName, number[]>,
): Partial<Record<TargetName, LatencyFigures>> {
  const directP50 = median(samples.get('direct') ?? []);
  const figures: Partial<Record<TargetName, LatencyFigures>> = {};
  for (const [name, values] of samples) {
    const summary = summarize(values);
    figures[name] = {
      samples: summary.count,
      p50Ms: summary.p50,
      p95Ms: summary.p95,
      p99Ms: summary.p99,
      addedP50Ms: summary.p50 - directP50,
    };
  }
  return figures;
}

/** Turns the raw samples into figures; every `added…` figure is relative to the direct call to the mock. */
export function summariseGatewaySamples(samples: GatewaySamples): GatewayFigures {
  const directStream = samples.streaming.get('direct') ?? { firstTokenMs: [], gapsMs: [] };
  const directFirstToken = median(directStream.firstTokenMs);
  const directGapMean = mean(directStream.gapsMs);
  const directGapMedian = median(directStream.gapsMs);
  const figures: GatewayFigures = {
    latency: latencyFigures(samples.latency),
    pacedLatency: latencyFigures(samples.pacedLatency),
    throughput: {},
    streaming: {},
  };
  for (const [name, values] of samples.throughput) figures.throughput[name] = values;
  for (const [name, stream] of samples.streaming) {
    const firstTokenP50Ms = median(stream.firstTokenMs);
    const gapMeanMs = mean(stream.gapsMs);
    const gapMedianMs = median(stream.gapsMs);
    figures.streaming[name] = {
      streams: stream.firstTokenMs.length,
      firstTokenP50Ms,
      addedFirstTokenMs: firstTokenP50Ms - directFirstToken,
      gapMeanMs,
      gapMedianMs,
      addedGapMeanMs: gapMeanMs - directGapMean,
      addedGapMedianMs: gapMedianMs - directGapMedian,
    };
  }
  return figures;
}
