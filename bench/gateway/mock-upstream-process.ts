import type { ChildProcessGroup } from './child-process-group.js';
import type { CpuPinning } from './cpu-pinning.js';
import { findFreePort } from './free-port.js';
import type { Target } from './target.js';
import { spawnTsxScript } from './tsx-script-process.js';
import { waitUntilReady } from './wait-until-ready.js';

export interface MockUpstreamOptions {
  processes: ChildProcessGroup;
  pinning: CpuPinning;
  chunks: number;
  chunkGapMs: number;
}

export interface RunningMockUpstream {
  /** `http://127.0.0.1:<port>/v1`, the base URL every gateway is configured with. */
  baseUrl: string;
  /** The mock called without any gateway: the baseline every added figure is measured against. */
  direct: Target;
}

/** Starts bench/gateway/mock-upstream.ts on the client CPU and waits until it answers. */
export async function startMockUpstream(options: MockUpstreamOptions): Promise<RunningMockUpstream> {
  const port = await findFreePort();
  const child = spawnTsxScript({
    processes: options.processes,
    pinning: options.pinning,
    cpu: options.pinning.clientCpu,
    name: 'mock upstream',
    script: 'bench/gateway/mock-upstream.ts',
    args: [`--port=${port}`, `--chunks=${options.chunks}`, `--chunk-gap-ms=${options.chunkGapMs}`],
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitUntilReady({ child, url: `${origin}/healthz`, timeoutMs: 30_000 });
  return {
    baseUrl: `${origin}/v1`,
    direct: {
      name: 'direct',
      origin,
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', authorization: 'Bearer dummy' },
      model: 'gpt-4o-mini',
    },
  };
}
