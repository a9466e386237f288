import type { ConfigEnv } from './config-env.js';

/** A SLIPWAY_* variable whose value cannot be used. */
export interface EnvOverrideProblem {
  /** The configuration field the variable sets. */
  path: string;
  message: string;
}

type Section = Record<string, unknown>;

function isSection(value: unknown): value is Section {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Applies the SLIPWAY_* variables over the configuration file's raw content, before validation, so that their
 * values are validated like the file's. The environment wins over the file: deployments set secrets and
 * addresses there. An empty variable counts as unset. Returns a new object; `raw` is not changed.
 *
 * - SLIPWAY_HOST, SLIPWAY_PORT → server.host, server.port
 * - SLIPWAY_DATA_DIR → dataDir; SLIPWAY_ADMIN_KEY → adminKey; SLIPWAY_LOG_FLUSH_MS → logging.flushIntervalMs
 * - SLIPWAY_STORE_URL: `postgres://…` or `postgresql://…` selects PostgreSQL (keeping the file's poolSize when
 *   the file also chose PostgreSQL); `sqlite:<path>` or a bare path selects SQLite at that path.
 * - SLIPWAY_OTLP_ENDPOINT → telemetry.otlp.endpoint (e.g. http://localhost:4318 turns OpenTelemetry export on)
 * - SLIPWAY_RABBITMQ_URL → queue.url, and selects the RabbitMQ queue (queue.kind: rabbitmq)
 */
export function applyEnvOverrides(
  raw: unknown,
  env: ConfigEnv,
): { raw: unknown; problems: EnvOverrideProblem[] } {
  // Anything but a mapping at the root is left for the schema to report.
  if (raw !== null && raw !== undefined && !isSection(raw)) return { raw, problems: [] };
  const root: Section = { ...raw };
  const problems: EnvOverrideProblem[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const set = (section: string, key: string, value: unknown): void => {
    const current = root[section];
    // A section of the wrong type is kept as written, so the schema reports the file's mistake.
    if (current === undefined || current === null) root[section] = { [key]: value };
    else if (isSection(current)) root[section] = { ...current, [key]: value };
  };
  const integer = (options: { name: string; path: string; min: number; max: number }): number | undefined => {
    const text = read(options.name);
    if (text === undefined) return undefined;
    const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (value >= options.min && value <= options.max) return value;
    problems.push({
      path: options.path,
      message: `${options.name} must be an integer from ${options.min} to ${options.max} (got "${text}")`,
    });
    return undefined;
  };

  const host = read('SLIPWAY_HOST');
  if (host !== undefined) set('server', 'host', host);
  const port = integer({ name: 'SLIPWAY_PORT', path: 'server.port', min: 0, max: 65_535 });
  if (port !== undefined) set('server', 'port', port);
  const dataDir = read('SLIPWAY_DATA_DIR');
  if (dataDir !== undefined) root.dataDir = dataDir;
  const adminKey = read('SLIPWAY_ADMIN_KEY');
  if (adminKey !== undefined) root.adminKey = adminKey;
  const flushMs = integer({
    name: 'SLIPWAY_LOG_FLUSH_MS',
    path: 'logging.flushIntervalMs',
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
  });
  if (flushMs !== undefined) set('logging', 'flushIntervalMs', flushMs);
  const storeUrl = read('SLIPWAY_STORE_URL');
  if (storeUrl !== undefined) {
    const store = storeFromUrl(storeUrl, root.store);
    if (typeof store === 'string') problems.push({ path: 'store', message: store });
    else root.store = store;
  }
  const otlpEndpoint = read('SLIPWAY_OTLP_ENDPOINT');
  if (otlpEndpoint !== undefined) {
    const otlp = isSection(root.telemetry) ? root.telemetry.otlp : undefined;
    root.telemetry = withKey(root.telemetry, 'otlp', withKey(otlp, 'endpoint', otlpEndpoint));
  }
  const rabbitMqUrl = read('SLIPWAY_RABBITMQ_URL');
  if (rabbitMqUrl !== undefined) {
    root.queue = withKey(withKey(root.queue, 'kind', 'rabbitmq'), 'url', rabbitMqUrl);
  }
  return { raw: root, problems };
}

/** `section` with `key` set; a section of the wrong type is kept as written, so the schema reports it. */
function withKey(section: unknown, key: string, value: unknown): unknown {
  if (section === undefined || section === null) return { [key]: value };
  return isSection(section) ? { ...section, [key]: value } : section;
}

/** The store a SLIPWAY_STORE_URL selects, or why it cannot be used. */
function storeFromUrl(url: string, current: unknown): Section | string {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const poolSize = isSection(current) && current.kind === 'postgres' ? current.poolSize : undefined;
    return poolSize === undefined ? { kind: 'postgres', url } : { kind: 'postgres', url, poolSize };
  }
  if (!url.startsWith('sqlite:') && /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url)) {
    return 'SLIPWAY_STORE_URL must be a postgres:// URL, sqlite:<path> or a file path';
  }
  const path = url.replace(/^sqlite:(\/\/)?/, '');
  if (path === '') return 'SLIPWAY_STORE_URL names no SQLite file (expected sqlite:<path>)';
  return { kind: 'sqlite', path };
}
