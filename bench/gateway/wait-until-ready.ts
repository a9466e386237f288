import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import type { ManagedChild } from './child-process-group.js';

const POLL_INTERVAL_MS = 50;

export interface WaitUntilReadyOptions {
  child: ManagedChild;
  /** Polled with GET until it answers 2xx. */
  url: string;
  timeoutMs: number;
}

/**
 * Resolves once the child answers. When it exits first or does not answer in time, stops it (a process that
 * never became ready must not run on through the measurements) and throws with its output.
 */
export async function waitUntilReady(options: WaitUntilReadyOptions): Promise<void> {
  try {
    await pollUntilReady(options);
  } catch (error) {
    await options.child.stop();
    throw error;
  }
}

async function pollUntilReady(options: WaitUntilReadyOptions): Promise<void> {
  const deadline = performance.now() + options.timeoutMs;
  let lastProblem = 'no answer yet';
  while (performance.now() < deadline) {
    const status = options.child.exitStatus();
    if (status !== null) {
      throw new Error(
        `${options.child.name} stopped (${status}) before it was ready:\n${options.child.output()}`,
      );
    }
    try {
      const response = await request(options.url, { headersTimeout: 2_000, bodyTimeout: 2_000 });
      await response.body.dump();
      if (response.statusCode >= 200 && response.statusCode < 300) return;
      lastProblem = `HTTP ${response.statusCode}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await sleep(POLL_INTERVAL_MS);
  }
  throw new Error(
    `${options.child.name} was not ready within ${options.timeoutMs} ms (${lastProblem}):\n${options.child.output()}`,
  );
}
