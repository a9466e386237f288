import type { CliSettings } from '../config/cli-settings.js';
import type { AdminClient } from './admin-client.js';

/** The outside world as the commands see it: main.ts binds it to the process, tests to buffers. */
export interface CliIo {
  /** Writes to standard output; the text carries its own newlines. */
  writeOut(text: string): void;
  writeErr(text: string): void;
  /** Defaults from the environment, which the global flags override. */
  settings: CliSettings;
  /** Wall-clock ms since the epoch, for relative times (`--since 1h`) and key expiry. */
  now(): number;
  /**
   * Starts catching Ctrl-C and returns a signal it aborts. Only commands that end cleanly on Ctrl-C (`logs tail`)
   * call it: until then Ctrl-C ends the process as usual, which is right for one-shot requests and for a server
   * started by `slipway start`, whose own shutdown must not be swallowed by a listener here.
   */
  interruption(): AbortSignal;
}

/** What every command's action receives besides its own arguments. */
export interface CommandContext {
  io: CliIo;
  /** A client for the URL and token in effect (`--url`/`--token` over the environment). */
  adminClient(options?: {
    signal?: AbortSignal;
    /** Overrides the per-request budget, for requests that run long on purpose (prompt test runs). */
    timeoutMs?: number;
  }): AdminClient;
  /** Sets the exit code of a command that reports failure without throwing (`config check`). */
  setExitCode(code: number): void;
}
