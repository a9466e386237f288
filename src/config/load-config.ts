import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { SlipwayError } from '../core/errors.js';
import { checkConfigText, formatProblems } from './check-config.js';
import type { ConfigEnv } from './config-env.js';
import type { Config } from './config-schema.js';
import { deepFreeze } from './deep-freeze.js';

export interface LoadConfigOptions {
  env: ConfigEnv;
  /** Directory the file is looked for in and relative paths are resolved against. */
  cwd: string;
  /** The configuration file (e.g. from `--config`); wins over SLIPWAY_CONFIG. */
  file?: string;
}

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file read, or null when the configuration came from defaults and environment only. */
  file: string | null;
}

/** The one read of the process environment; everything else receives the record it returns. */
export function readProcessEnv(): ConfigEnv {
  return Object.freeze({ ...process.env });
}

/**
 * Loads the configuration once, at start-up: `options.file`, else SLIPWAY_CONFIG, else `slipway.yaml` in `cwd`
 * if present, else no file at all (defaults: SQLite under ./.slipway and the offline models). The environment
 * is applied as `checkConfigText` describes, paths are resolved against `cwd`, and the result is deeply frozen.
 * Throws `SlipwayError('invalid_request')` when a named file is missing or the configuration is invalid; the
 * message lists every problem with its line.
 *
 * @example const { config, file } = loadConfig({ env: readProcessEnv(), cwd: process.cwd() });
 */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const file = findConfigFile(options);
  const text = file === null ? '' : readConfigFile(file);
  return deepFreeze({ config: loadConfigText(text, { env: options.env, cwd: options.cwd, file }), file });
}

/** `loadConfig` for text already read: `file` only names the source in error messages. */
export function loadConfigText(
  text: string,
  options: { env: ConfigEnv; cwd: string; file: string | null },
): Config {
  const check = checkConfigText(text, { env: options.env });
  if (!check.ok) {
    const source = options.file === null ? 'environment' : displayPath(options.file, options.cwd);
    throw new SlipwayError(
      'invalid_request',
      `Invalid configuration (${check.problems.length} ${check.problems.length === 1 ? 'problem' : 'problems'}):\n` +
        formatProblems(source, check.problems),
    );
  }
  return deepFreeze(resolvePaths(check.config, options.cwd));
}

function findConfigFile(options: LoadConfigOptions): string | null {
  const named = options.file ?? (options.env.SLIPWAY_CONFIG || undefined);
  if (named !== undefined) return resolve(options.cwd, named);
  const local = resolve(options.cwd, 'slipway.yaml');
  return existsSync(local) ? local : null;
}

function readConfigFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new SlipwayError('invalid_request', `Cannot read configuration file ${file}`, { cause: error });
  }
}

function resolvePaths(config: Config, cwd: string): Config {
  const store =
    config.store.kind === 'sqlite' && config.store.path !== ':memory:'
      ? { ...config.store, path: resolve(cwd, config.store.path) }
      : config.store;
  return {
    ...config,
    dataDir: resolve(cwd, config.dataDir),
    store,
    logging: { ...config.logging, spillDir: resolve(cwd, config.logging.spillDir) },
  };
}

/** Relative to the working directory when the file is inside it: shorter, and what the operator typed. */
function displayPath(file: string, cwd: string): string {
  const path = relative(cwd, file);
  return path === '' || path.startsWith('..') || isAbsolute(path) ? file : path;
}
