import type { ConfigEnv } from './config-env.js';
import { readProcessEnv } from './load-config.js';

/** What the `slipway` CLI takes from its environment; each field can be overridden by a flag. */
export interface CliSettings {
  /** Base URL of the Slipway server whose admin API the CLI calls. */
  url: string;
  /** Bearer token for the admin API; null when none is set. */
  token: string | null;
  /** The file `slipway config check` reads when given none. */
  configPath: string;
  /** The environment `slipway config check` resolves `${NAME}` and SLIPWAY_* overrides from. */
  env: ConfigEnv;
}

const DEFAULT_URL = 'http://127.0.0.1:8080';
const DEFAULT_CONFIG_PATH = 'slipway.yaml';

/** An empty variable counts as unset, as `SLIPWAY_TOKEN= slipway keys list` means "no token". */
function valueOf(env: ConfigEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Reads the CLI's settings: `SLIPWAY_URL`, `SLIPWAY_TOKEN` (falling back to `SLIPWAY_ADMIN_KEY`, the key the
 * server is started with, so that one exported variable serves both) and `SLIPWAY_CONFIG`. Reads the process
 * environment, through `readProcessEnv`, only when given no record.
 * @example readCliSettings({ SLIPWAY_URL: 'http://gateway:8080' }).url === 'http://gateway:8080'
 */
export function readCliSettings(env: ConfigEnv = readProcessEnv()): CliSettings {
  return Object.freeze({
    url: valueOf(env, 'SLIPWAY_URL') ?? DEFAULT_URL,
    token: valueOf(env, 'SLIPWAY_TOKEN') ?? valueOf(env, 'SLIPWAY_ADMIN_KEY') ?? null,
    configPath: valueOf(env, 'SLIPWAY_CONFIG') ?? DEFAULT_CONFIG_PATH,
    env,
  });
}
