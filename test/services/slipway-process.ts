import { spawn } from 'node:child_process';
import { REPOSITORY_ROOT, SLIPWAY_MAIN } from './build-slipway.js';

const OUTPUT_TAIL_CHARS = 8_000;
const STOP_GRACE_MS = 5_000;
const LISTENING = /Slipway is listening on (http:\/\/\S+)/;

/** How the process ended: an exit code, or the signal that killed it. */
export interface SlipwayExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One `node dist/cli/main.js start` child process. */
export interface SlipwayProcess {
  /** `http://127.0.0.1:<port>`, the port the process chose. */
  origin: string;
  /** The last few thousand characters it wrote to stdout and stderr, for failure messages. */
  output(): string;
  /** Resolves once the process has exited, however it ended; never rejects. */
  exited: Promise<SlipwayExit>;
  /** Sends a signal and returns at once; `exited` tells how the process took it. */
  signal(name: NodeJS.Signals): void;
  /** SIGTERM (a graceful shutdown flushes the interaction log), then SIGKILL after a grace period. */
  stop(): Promise<void>;
}

export interface StartSlipwayProcessOptions {
  /** SLIPWAY_* variables; SLIPWAY_HOST and SLIPWAY_PORT default to 127.0.0.1 and a port the OS picks. */
  env: Record<string, string>;
  timeoutMs?: number;
}

/** This process's environment without SLIPWAY_* variables: a setting left in the shell must not change a test. */
function inheritedEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SLIPWAY_')));
}

/**
 * Starts `slipway start` from dist/ and resolves once it prints the address it listens on. Rejects with the
 * process's output when it exits first or does not listen in time (and then it is stopped).
 * @example const gateway = await startSlipwayProcess({ env: { SLIPWAY_CONFIG: file } }); … await gateway.stop();
 */
export async function startSlipwayProcess(options: StartSlipwayProcessOptions): Promise<SlipwayProcess> {
  const child = spawn(process.execPath, [SLIPWAY_MAIN, 'start'], {
    cwd: REPOSITORY_ROOT,
    env: { ...inheritedEnvironment(), SLIPWAY_HOST: '127.0.0.1', SLIPWAY_PORT: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Should the test worker die before afterAll, the child must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let tail = '';
  const keep = (part: Buffer) => {
    tail = (tail + part.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<SlipwayExit>((resolve) => {
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      resolve({ code, signal });
    });
  });

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(force);
  };

  const timeoutMs = options.timeoutMs ?? 30_000;
  try {
    const origin = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`slipway start did not listen within ${timeoutMs} ms:\n${tail}`)),
        timeoutMs,
      );
      child.stdout.on('data', () => {
        const match = LISTENING.exec(tail);
        if (match?.[1] === undefined) return;
        clearTimeout(timer);
        resolve(match[1]);
      });
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`slipway start stopped (${String(signal ?? code)}) before listening:\n${tail}`));
      });
      child.once('error', reject);
    });
    return {
      origin,
      output: () => tail,
      exited,
      signal: (name) => void child.kill(name),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
