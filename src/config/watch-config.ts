import { readFileSync, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { SlipwayError } from '../core/errors.js';
import type { ConfigEnv } from './config-env.js';
import type { Config } from './config-schema.js';
import { loadConfigText } from './load-config.js';

export interface WatchConfigOptions {
  file: string;
  /** The environment read at start-up: `${NAME}` and SLIPWAY_* resolve the same way on every reload. */
  env: ConfigEnv;
  cwd: string;
  /** Receives each valid new configuration. The receiver decides which sections it can apply live. */
  onChange(config: Config): void;
  /** Receives an unreadable or invalid file (a `SlipwayError` listing the problems); the old config stays. */
  onError(error: unknown): void;
  /** Quiet time after the last file event before the file is read; editors write in several steps. */
  debounceMs?: number;
}

export interface ConfigWatcher {
  /** Reads the file now, changed or not, as SIGHUP asks. */
  reload(): void;
  /** Stops watching; no callback runs afterwards. Idempotent. */
  close(): void;
}

/**
 * Watches a configuration file and hands each valid new version to `onChange`. The directory is watched rather
 * than the file because editors that save by writing a new file and renaming it over the old one would leave a
 * file watch on a deleted inode. Events that leave the content unchanged are ignored.
 *
 * @example
 * const watcher = watchConfig({ file, env, cwd, onChange: applyRoutes, onError: (error) => log.warn(error) });
 * process.on('SIGHUP', () => watcher.reload());
 */
export function watchConfig(options: WatchConfigOptions): ConfigWatcher {
  const file = resolve(options.cwd, options.file);
  const name = basename(file);
  const debounceMs = options.debounceMs ?? 100;
  let lastText = readOrNull(file);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const load = (force: boolean): void => {
    if (closed) return;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      options.onError(
        new SlipwayError('invalid_request', `Cannot read configuration file ${file}`, { cause: error }),
      );
      return;
    }
    if (!force && text === lastText) return;
    lastText = text;
    let config: Config;
    try {
      config = loadConfigText(text, { env: options.env, cwd: options.cwd, file });
    } catch (error) {
      options.onError(error);
      return;
    }
    options.onChange(config);
  };

  const watcher = watch(dirname(file), (_event, changed) => {
    // Some platforms report no file name; reading once too often is harmless.
    if (changed !== null && changed !== name) return;
    clearTimeout(timer);
    timer = setTimeout(() => load(false), debounceMs);
    timer.unref();
  });
  watcher.on('error', (error) => {
    if (!closed) options.onError(error);
  });
  // The server, not the watcher, decides how long the process lives.
  watcher.unref();

  return {
    reload() {
      clearTimeout(timer);
      load(true);
    },
    close() {
      closed = true;
      clearTimeout(timer);
      watcher.close();
    },
  };
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
