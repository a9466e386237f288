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
  throughput: Partial<Record<TargetName, ThroughputFigures>>;
  streaming: Partial<Record<TargetName, StreamingFigures>>;
}

export interface GatewaySamples {
  latency: ReadonlyMap<TargetName, number[]>;
  throughput: ReadonlyMap<TargetName, ThroughputFigures>;
  streaming: ReadonlyMap<TargetName, StreamSamples>;
}

/** Turns the raw samples into figures; every `added…` figure is relative to the direct call to the mock. */
export function summariseGatewaySamples(samples: GatewaySamples): GatewayFigures {
  const directLatency = samples.latency.get('direct') ?? [];
  const directStream = samples.streaming.get('direct') ?? { firstTokenMs: [], gapsMs: [] };
  const directP50 = median(directLatency);
  const directFirstToken = median(directStream.firstTokenMs);
  const directGapMean = mean(directStream.gapsMs);
  const directGapMedian = median(directStream.gapsMs);
  const figures: GatewayFigures = { latency: {}, throughput: {}, streaming: {} };
  for (const [name, values] of samples.latency) {
    const summary = summarize(values);
    figures.latency[name] = {
      samples: summary.count,
      p50Ms: summary.p50,
      p95Ms: summary.p95,
      p99Ms: summary.p99,
      addedP50Ms: summary.p50 - directP50,
    };
  }
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
