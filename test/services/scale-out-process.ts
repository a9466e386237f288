import { spawn } from 'node:child_process';
import { REPOSITORY_ROOT } from './build-slipway.js';

const OUTPUT_TAIL_CHARS = 8_000;
const STOP_GRACE_MS = 5_000;
const READY_TIMEOUT_MS = 45_000;
/** What each command prints once it serves: the API its address, the worker its id. */
const READY = {
  api: /Slipway is listening on (http:\/\/\S+)/,
  worker: /Slipway worker (wrk_\S+) is running/,
} as const;

/** One `slipway api` or `slipway worker` process of a scale-out deployment. */
export interface ScaleOutProcess {
  /** The API's origin (`http://127.0.0.1:<port>`) or the worker's id (`wrk_…`). */
  ready: string;
  pid: number;
  output(): string;
  /** SIGKILL, as a crash: no shutdown code runs. Resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a graceful shutdown), then SIGKILL after a grace period. */
  stop(): Promise<void>;
}

/**
 * Starts `slipway <command>` from the sources (tsx), so that the test runs the code under test without a build,
 * and resolves once it says it is ready. Only PATH and the given SLIPWAY_* variables reach it: a setting left in
 * the shell must not change the test. Rejects with its output when it exits first or is not ready in time.
 * @example const api = await startScaleOutProcess('api', { SLIPWAY_CONFIG: file }); … await api.stop();
 */
export async function startScaleOutProcess(
  command: keyof typeof READY,
  env: Record<string, string>,
): Promise<ScaleOutProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', command], {
    cwd: REPOSITORY_ROOT,
    env: { PATH: process.env.PATH ?? '', SLIPWAY_HOST: '127.0.0.1', SLIPWAY_PORT: '0', ...env },
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
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      process.off('exit', killOnExit);
      resolve();
    });
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async () => {
    if (gone()) return;
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(force);
  };
  try {
    const ready = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`slipway ${command} not ready within ${READY_TIMEOUT_MS} ms:\n${tail}`)),
        READY_TIMEOUT_MS,
      );
      child.stdout.on('data', () => {
        const match = READY[command].exec(tail);
        if (match?.[1] === undefined) return;
        clearTimeout(timer);
        resolve(match[1]);
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`slipway ${command} exited before it was ready:\n${tail}`));
      });
    });
    return {
      ready,
      pid: child.pid ?? -1,
      output: () => tail,
      kill: async () => {
        if (gone()) return;
        child.kill('SIGKILL');
        await exited;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
