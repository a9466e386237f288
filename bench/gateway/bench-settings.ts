/** How much the bench measures; `quick` is for checking the harness, not for figures anyone should quote. */
export interface BenchSettings {
  latency: { rounds: number; requestsPerRound: number; warmupRequests: number };
  throughput: { connections: number; rounds: number; secondsPerRound: number; warmupSeconds: number };
  streaming: {
    chunks: number;
    chunkGapMs: number;
    rounds: number;
    streamsPerRound: number;
    warmupStreams: number;
  };
  /** Non-stream requests sent after a pause as long as one stream (see paced-latency.ts). */
  paced: { rounds: number };
}

export const FULL_SETTINGS: BenchSettings = {
  latency: { rounds: 10, requestsPerRound: 300, warmupRequests: 500 },
  // Two interleaved rounds of 4.5 s: 9 s per target in all, and drift on the machine shows as a round spread.
  throughput: { connections: 50, rounds: 2, secondsPerRound: 4.5, warmupSeconds: 1 },
  // A stream lasts 64 x 20 ms = 1.3 s: 24 per target keep the whole bench within a few minutes.
  streaming: { chunks: 64, chunkGapMs: 20, rounds: 4, streamsPerRound: 6, warmupStreams: 1 },
  // As many as the streams per target, one pause of 1.3 s per round for every target: about 32 s in all.
  paced: { rounds: 24 },
};

export const QUICK_SETTINGS: BenchSettings = {
  latency: { rounds: 3, requestsPerRound: 100, warmupRequests: 100 },
  throughput: { connections: 50, rounds: 1, secondsPerRound: 2, warmupSeconds: 0.5 },
  streaming: { chunks: 64, chunkGapMs: 20, rounds: 1, streamsPerRound: 3, warmupStreams: 1 },
  paced: { rounds: 3 },
};
