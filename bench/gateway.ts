/**
 * `npm run bench:gateway`: what a gateway adds to an OpenAI-compatible call, for Slipway, a bare undici proxy
 * (the floor for a Node gateway) and Portkey's open-source gateway, each in front of the same mock upstream.
 * Measures sequential latency, throughput at 50 connections and SSE streaming (time to first token, gaps
 * between chunks), writes bench/results/gateway.json and prints a summary.
 *
 * Options: --targets=direct,bare,portkey,slipway (the default: all), --skip-build (use dist/ as it is),
 * --quick (a short run to check the harness; its figures are not worth quoting).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { ChildProcessGroup } from './gateway/child-process-group.js';
import { FULL_SETTINGS, QUICK_SETTINGS } from './gateway/bench-settings.js';
import { detectCpuPinning, pinThisProcessToClientCpu } from './gateway/cpu-pinning.js';
import { summariseGatewaySamples } from './gateway/gateway-figures.js';
import { checkGatewayGoals } from './gateway/gateway-goals.js';
import { formatGatewaySummary } from './gateway/gateway-summary.js';
import { measureSequentialLatency } from './gateway/latency.js';
import { startMockUpstream } from './gateway/mock-upstream-process.js';
import { startTargets } from './gateway/start-targets.js';
import { measurePacedLatency } from './gateway/paced-latency.js';
import { measureStreaming } from './gateway/streaming.js';
import { TARGET_NAMES, type TargetName } from './gateway/target.js';
import { measureThroughput } from './gateway/throughput.js';
import { writeBenchResult } from './lib/write-bench-result.js';

/** The bench itself keeps about one CPU busy; more than that means other work competed for the gateway's CPU. */
const BUSY_LOAD_AVERAGE = 1.5;

/** Far beyond a normal run (about 4 minutes): only a hung gateway gets here. */
const WATCHDOG_MS = 15 * 60_000;

function parseTargetNames(text: string): Set<TargetName> {
  const names = new Set<TargetName>(['direct']);
  for (const name of text.split(',').map((part) => part.trim())) {
    if (!(TARGET_NAMES as readonly string[]).includes(name)) {
      throw new Error(`unknown target "${name}"; expected some of ${TARGET_NAMES.join(', ')}`);
    }
    names.add(name as TargetName);
  }
  return names;
}

const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: TARGET_NAMES.join(',') },
    quick: { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
  },
});
const requested = parseTargetNames(values.targets);
const settings = values.quick ? QUICK_SETTINGS : FULL_SETTINGS;

const processes = new ChildProcessGroup();
process.once('exit', () => processes.killAllNow());
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    processes.killAllNow();
    process.exit(code);
  });
}
setTimeout(() => {
  console.error(`bench:gateway did not finish within ${WATCHDOG_MS / 60_000} minutes; stopping`);
  processes.killAllNow();
  process.exit(1);
}, WATCHDOG_MS).unref();

async function run(): Promise<void> {
  const pinning = detectCpuPinning();
  pinThisProcessToClientCpu(pinning);
  const loadAtStart = loadavg()[0] ?? 0;
  const mock = await startMockUpstream({
    processes,
    pinning,
    chunks: settings.streaming.chunks,
    chunkGapMs: settings.streaming.chunkGapMs,
  });
  const { targets, unavailable } = await startTargets({
    context: { processes, pinning, upstreamBaseUrl: mock.baseUrl },
    direct: mock.direct,
    requested,
    buildSlipway: !values['skip-build'],
    expectedChunks: settings.streaming.chunks,
  });
  for (const [name, reason] of unavailable) console.error(`${name} is left out of this run: ${reason}`);

  const latency = await measureSequentialLatency({ targets, ...settings.latency });
  const throughput = await measureThroughput({ targets, ...settings.throughput });
  const streaming = await measureStreaming({
    targets,
    rounds: settings.streaming.rounds,
    streamsPerRound: settings.streaming.streamsPerRound,
    warmupStreams: settings.streaming.warmupStreams,
    expectedChunks: settings.streaming.chunks,
  });
  const pacedLatency = await measurePacedLatency({
    targets,
    rounds: settings.paced.rounds,
    pauseMs: settings.streaming.chunks * settings.streaming.chunkGapMs,
  });
  await processes.stopAll();
  const loadAtEnd = loadavg()[0] ?? 0;

  const figures = summariseGatewaySamples({ latency, pacedLatency, throughput, streaming });
  const goals = checkGatewayGoals(figures);
  const resultPath = writeBenchResult('gateway', {
    quick: values.quick,
    settings,
    pinning,
    // Other work on the machine takes CPU 0 from the gateways whatever the pinning: judge figures with this.
    loadAverage: { start: loadAtStart, end: loadAtEnd },
    targets: Object.fromEntries(
      [...requested].map((name) => [
        name,
        unavailable.has(name) ? { measured: false, reason: unavailable.get(name) } : { measured: true },
      ]),
    ),
    figures,
    goals,
  });
  console.log(formatGatewaySummary({ figures, goals, pinning, unavailable }));
  console.log(`\nwritten to ${resultPath}`);
  if (Math.max(loadAtStart, loadAtEnd) > BUSY_LOAD_AVERAGE) {
    console.log(
      `\nthe 1-minute load average was ${loadAtStart.toFixed(1)} at the start and ${loadAtEnd.toFixed(1)} at the ` +
        'end: other work shared the CPUs, so these figures are not representative; rerun on a quiet machine',
    );
  }
  // A requested target that could not be measured leaves goals unjudged: the run did not do its job.
  if (unavailable.size > 0) process.exitCode = 1;
}

try {
  await run();
} catch (error) {
  for (const crash of processes.unexpectedExits()) console.error(crash);
  throw error;
} finally {
  await processes.stopAll();
}
