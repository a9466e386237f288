import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/**
 * Where the bench's processes run. With pinning, every gateway under test gets CPU 0 to itself while the mock
 * upstream and the load generator share CPU 1, so a gateway's figures do not depend on how the scheduler happens
 * to mix it with the client.
 */
export interface CpuPinning {
  used: boolean;
  gatewayCpu: number | null;
  clientCpu: number | null;
  /** Why pinning was not used, when it was not. */
  reason: string | null;
}

const GATEWAY_CPU = 0;
const CLIENT_CPU = 1;

export function detectCpuPinning(): CpuPinning {
  const probe = spawnSync('taskset', ['-p', String(process.pid)], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return { used: false, gatewayCpu: null, clientCpu: null, reason: 'taskset is not available' };
  }
  if (availableParallelism() < 2) {
    return { used: false, gatewayCpu: null, clientCpu: null, reason: 'fewer than 2 CPUs are available' };
  }
  return { used: true, gatewayCpu: GATEWAY_CPU, clientCpu: CLIENT_CPU, reason: null };
}

/** Moves every thread of this process (the load generator) to the client CPU; threads started later inherit it. */
export function pinThisProcessToClientCpu(pinning: CpuPinning): void {
  if (!pinning.used) return;
  const result = spawnSync('taskset', ['-a', '-cp', String(CLIENT_CPU), String(process.pid)], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`taskset could not pin the bench process: ${result.stderr}`);
}

/** The command line that runs `command` on `cpu` (unchanged without pinning). */
export function pinnedCommand(
  pinning: CpuPinning,
  cpu: number | null,
  command: readonly [string, ...string[]],
): { file: string; args: string[] } {
  const [file, ...args] = command;
  if (!pinning.used || cpu === null) return { file, args };
  // taskset execs the command, so the child's pid stays the gateway's own and signals reach it directly.
  return { file: 'taskset', args: ['-c', String(cpu), file, ...args] };
}
