import { join } from 'node:path';
import { pinnedCommand } from './cpu-pinning.js';
import { findFreePort } from './free-port.js';
import { REPOSITORY_ROOT } from './repository-root.js';
import type { RunningGateway } from './target.js';
import type { TargetContext } from './target-context.js';
import { waitUntilReady } from './wait-until-ready.js';

const START_SERVER = join(REPOSITORY_ROOT, 'node_modules/@portkey-ai/gateway/build/start-server.js');

/**
 * Starts Portkey's open-source gateway (the devDependency, 1.15.2) on the gateway CPU. It has no listen-address
 * option and binds every interface: the bench keeps it up only while it measures.
 */
export async function startPortkey(context: TargetContext): Promise<RunningGateway> {
  const port = await findFreePort();
  const command = pinnedCommand(context.pinning, context.pinning.gatewayCpu, [
    process.execPath,
    START_SERVER,
    `--port=${port}`,
    '--headless',
  ]);
  const child = context.processes.spawn({
    name: 'portkey',
    ...command,
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const origin = `http://127.0.0.1:${port}`;
  await waitUntilReady({ child, url: `${origin}/`, timeoutMs: 30_000 });
  return {
    child,
    target: {
      name: 'portkey',
      origin,
      path: '/v1/chat/completions',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer dummy',
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': context.upstreamBaseUrl,
      },
      model: 'gpt-4o-mini',
    },
  };
}
