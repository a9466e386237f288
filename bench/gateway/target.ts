import type { ManagedChild } from './child-process-group.js';

export const TARGET_NAMES = ['direct', 'bare', 'portkey', 'slipway'] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** One endpoint the bench sends the same chat completion to. */
export interface Target {
  name: TargetName;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  path: string;
  headers: Record<string, string>;
  /** The model name this target routes to the mock. */
  model: string;
}

/** A gateway the bench started, with its process so that a gateway failing its checks can be stopped. */
export interface RunningGateway {
  target: Target;
  child: ManagedChild;
}
