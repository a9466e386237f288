import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

export interface MachineInfo {
  node: string;
  platform: string;
  arch: string;
  cpuCount: number;
  cpuModel: string;
  memoryBytes: number;
}

export interface BenchRecord<T> {
  name: string;
  date: string;
  /** Null outside a git checkout or before the first commit. */
  gitCommit: string | null;
  /** True when the working tree had uncommitted changes, so the commit alone does not say what ran. */
  gitDirty: boolean | null;
  machine: MachineInfo;
  result: T;
}

export function describeMachine(): MachineInfo {
  const processors = cpus();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpuCount: processors.length,
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
  };
}

/**
 * Writes `bench/results/<name>.json`: the result with the date, the machine and the git commit it was measured
 * on, so that figures from different runs can be compared knowingly. Returns the file's path.
 * @example writeBenchResult('log-writer', { sqlite: { rowsPerSecond: 41_000 } });
 */
export function writeBenchResult<T>(name: string, result: T): string {
  const record: BenchRecord<T> = {
    name,
    date: new Date().toISOString(),
    gitCommit: git(['rev-parse', 'HEAD']),
    // Read-only: without --no-optional-locks, status would refresh (write) the index.
    gitDirty: dirtyFlag(git(['--no-optional-locks', 'status', '--porcelain'])),
    machine: describeMachine(),
    result,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = `${RESULTS_DIR}${name}.json`;
  writeFileSync(path, JSON.stringify(record, null, 2) + '\n');
  return path;
}

function dirtyFlag(status: string | null): boolean | null {
  return status === null ? null : status !== '';
}

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}
