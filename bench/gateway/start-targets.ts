import { startBareProxy } from './bare-proxy-process.js';
import { startPortkey } from './portkey.js';
import { buildSlipway, startSlipway } from './slipway-process.js';
import type { RunningGateway, Target, TargetName } from './target.js';
import type { TargetContext } from './target-context.js';
import { verifyTarget } from './verify-target.js';

type GatewayName = Exclude<TargetName, 'direct'>;

/** Portkey comes last: it binds every interface, so it should be up for as short a time as possible. */
const STARTERS: ReadonlyArray<readonly [GatewayName, (context: TargetContext) => Promise<RunningGateway>]> = [
  ['bare', startBareProxy],
  ['slipway', startSlipway],
  ['portkey', startPortkey],
];

export interface StartTargetsOptions {
  context: TargetContext;
  direct: Target;
  requested: ReadonlySet<TargetName>;
  /** Run `npm run build` before starting Slipway (skipped when dist/ is known to be current). */
  buildSlipway: boolean;
  expectedChunks: number;
}

export interface StartedTargets {
  targets: Target[];
  /** Why each requested target that could not be started or verified is left out of the run. */
  unavailable: Map<TargetName, string>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Starts every requested gateway in front of the mock and checks that each answers correctly. A gateway that
 * fails is reported and left out, so the others are still measured (Slipway is often mid-change). The direct
 * target comes first in the list.
 */
export async function startTargets(options: StartTargetsOptions): Promise<StartedTargets> {
  // Every figure is relative to the direct call, so a broken mock ends the run instead of being left out.
  await verifyTarget(options.direct, options.expectedChunks);
  const targets: Target[] = [options.direct];
  const unavailable = new Map<TargetName, string>();
  for (const [name, start] of STARTERS) {
    if (!options.requested.has(name)) continue;
    try {
      if (name === 'slipway' && options.buildSlipway) buildSlipway();
      const gateway = await start(options.context);
      await verifyTarget(gateway.target, options.expectedChunks).catch(async (error: unknown) => {
        await gateway.child.stop();
        throw new Error(`${name} started but failed its check: ${messageOf(error)}`, { cause: error });
      });
      targets.push(gateway.target);
    } catch (error) {
      unavailable.set(name, messageOf(error));
    }
  }
  return { targets, unavailable };
}
