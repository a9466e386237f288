import { findFreePort } from './free-port.js';
import type { RunningGateway } from './target.js';
import type { TargetContext } from './target-context.js';
import { spawnTsxScript } from './tsx-script-process.js';
import { waitUntilReady } from './wait-until-ready.js';

/** Starts bench/gateway/bare-proxy.ts on the gateway CPU in front of the mock. */
export async function startBareProxy(context: TargetContext): Promise<RunningGateway> {
  const port = await findFreePort();
  const child = spawnTsxScript({
    processes: context.processes,
    pinning: context.pinning,
    cpu: context.pinning.gatewayCpu,
    name: 'bare proxy',
    script: 'bench/gateway/bare-proxy.ts',
    args: [`--port=${port}`, `--upstream=${context.upstreamBaseUrl}`],
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitUntilReady({ child, url: `${origin}/healthz`, timeoutMs: 30_000 });
  return {
    child,
    target: {
      name: 'bare',
      origin,
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', authorization: 'Bearer dummy' },
      model: 'gpt-4o-mini',
    },
  };
}
