import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

const OUTPUT_TAIL_CHARS = 4_000;
const STOP_GRACE_MS = 3_000;

/** A child process started by the bench, with the tail of its output kept for error messages. */
export interface ManagedChild {
  readonly name: string;
  readonly process: ChildProcess;
  /** The last few thousand characters the child wrote to stdout and stderr. */
  output(): string;
  /** Null while the child runs; its exit code or signal once it has stopped. */
  exitStatus(): string | null;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the child has exited. */
  stop(): Promise<void>;
}

export interface SpawnChildOptions {
  name: string;
  file: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Every process the bench starts, so that all of them stop whichever way the bench ends: normally, on an
 * error, on SIGINT, or at `process.exit`. Cleanups registered with `afterStop` (temporary directories) run once
 * the children are gone.
 */
export class ChildProcessGroup {
  private readonly children = new Set<ManagedChild>();
  private readonly stopping = new Set<ManagedChild>();
  private readonly crashes: string[] = [];
  private readonly cleanups: Array<() => void> = [];

  spawn(options: SpawnChildOptions): ManagedChild {
    const child = spawn(options.file, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    let status: string | null = null;
    const keep = (part: Buffer) => {
      tail = (tail + part.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const managed: ManagedChild = {
      name: options.name,
      process: child,
      output: () => tail,
      exitStatus: () => status,
      stop: () => this.stop(managed),
    };
    child.once('error', (error) => {
      status ??= `failed to start: ${error.message}`;
      this.children.delete(managed);
    });
    child.once('exit', (code, signal) => {
      status = signal === null ? `exit code ${code}` : `signal ${signal}`;
      this.children.delete(managed);
      if (!this.stopping.has(managed)) this.crashes.push(`${managed.name} stopped (${status}):\n${tail}`);
    });
    this.children.add(managed);
    return managed;
  }

  /** Runs `cleanup` after every child has stopped; it must be synchronous so that it can run at `process.exit`. */
  afterStop(cleanup: () => void): void {
    this.cleanups.push(cleanup);
  }

  private async stop(child: ManagedChild): Promise<void> {
    if (child.exitStatus() !== null) return;
    this.stopping.add(child);
    const exited = once(child.process, 'exit');
    child.process.kill('SIGTERM');
    const timer = setTimeout(() => child.process.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.children].map((child) => this.stop(child)));
    this.runCleanups();
  }

  /** Children that stopped without being asked to, each with the tail of its output: the cause of most failures. */
  unexpectedExits(): readonly string[] {
    return this.crashes;
  }

  /** For `process.on('exit')` and signal handlers, where nothing asynchronous can run any more. */
  killAllNow(): void {
    for (const child of this.children) {
      this.stopping.add(child);
      child.process.kill('SIGKILL');
    }
    this.children.clear();
    this.runCleanups();
  }

  private runCleanups(): void {
    for (const cleanup of this.cleanups.splice(0)) {
      try {
        cleanup();
      } catch (error) {
        console.error('bench cleanup failed:', error);
      }
    }
  }
}
