import { join } from 'node:path';
import type { ChildProcessGroup, ManagedChild } from './child-process-group.js';
import { type CpuPinning, pinnedCommand } from './cpu-pinning.js';
import { REPOSITORY_ROOT } from './repository-root.js';

export interface TsxScriptOptions {
  processes: ChildProcessGroup;
  pinning: CpuPinning;
  cpu: number | null;
  name: string;
  /** Path from the repository root. */
  script: string;
  args: string[];
}

/** Runs one of the bench's TypeScript scripts as a pinned child process (tsx compiles it once, at load). */
export function spawnTsxScript(options: TsxScriptOptions): ManagedChild {
  const command = pinnedCommand(options.pinning, options.cpu, [
    process.execPath,
    '--import',
    'tsx',
    join(REPOSITORY_ROOT, options.script),
    ...options.args,
  ]);
  return options.processes.spawn({ name: options.name, ...command, cwd: REPOSITORY_ROOT });
}
