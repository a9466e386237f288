import { fork, type ChildProcess } from 'node:child_process';

/** Forks a TypeScript child (through tsx) and sends it its orders once it is up. */
export function forkChild(file: string, orders: unknown): ChildProcess {
  const child = fork(new URL(file, import.meta.url), { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  child.send(orders as object);
  return child;
}

/** Resolves on the child's first IPC message equal to `message`. */
export function waitForMessage(child: ChildProcess, message: string, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No "${message}" from child ${child.pid}`)), timeoutMs);
    child.on('message', (received) => {
      if (received !== message) return;
      clearTimeout(timer);
      resolve();
    });
  });
}

/** SIGKILLs the child (no clean-up of any kind runs) and resolves once it is gone. */
export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}
