import { isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import type { z } from 'zod';
import { applyEnvOverrides } from './apply-env-overrides.js';
import type { ConfigEnv } from './config-env.js';
import { configSchema } from './config-schema.js';
import type { Config } from './config-schema.js';
import { interpolateEnv } from './interpolate-env.js';

/** One thing wrong with a configuration, located in the file when it comes from the file. */
export interface ConfigProblem {
  message: string;
  /** The configuration field, as `routes[0].targets[0].provider`; empty for the whole file. */
  path: string;
  /** 1-based; null when the problem is not in the file (an environment variable, a missing section). */
  line: number | null;
  column: number | null;
}

export type ConfigCheck = { ok: true; config: Config } | { ok: false; problems: ConfigProblem[] };

type Location = Pick<ConfigProblem, 'line' | 'column'>;

const NOWHERE: Location = { line: null, column: null };

/**
 * Validates configuration text (YAML; empty text means "all defaults") with the environment applied: `${NAME}`
 * interpolation, the SLIPWAY_* overrides and `apiKeyEnv` lookups. Never throws: every YAML syntax error and
 * schema violation comes back as a problem pointing at the line and column of the offending node, or of its
 * nearest parent present in the file. Paths in the returned config are as written (see `loadConfig`).
 *
 * @example
 * const check = checkConfigText(readFileSync('slipway.yaml', 'utf8'), { env: readProcessEnv() });
 * if (!check.ok) console.error(formatProblems('slipway.yaml', check.problems));
 */
export function checkConfigText(text: string, options: { env: ConfigEnv }): ConfigCheck {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number | null | undefined): Location => {
    if (offset === null || offset === undefined) return NOWHERE;
    const position = lineCounter.linePos(offset);
    return { line: position.line, column: position.col };
  };
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => ({ message: error.message, path: '', ...at(error.pos[0]) })),
    };
  }

  const problems: ConfigProblem[] = interpolateEnv(document, options.env).map((unset) => ({
    message: `environment variable ${unset.name} is not set (write \${${unset.name}:-fallback} for a default)`,
    path: formatPath(unset.path),
    ...at(unset.offset),
  }));
  let content: unknown;
  try {
    content = document.toJS();
  } catch (error) {
    // toJS refuses alias expansions beyond yaml's limit (the "billion laughs" guard).
    return { ok: false, problems: [{ message: (error as Error).message, path: '', ...NOWHERE }] };
  }
  const overridden = applyEnvOverrides(content, options.env);
  problems.push(...overridden.problems.map((problem) => ({ ...problem, ...NOWHERE })));
  if (problems.length > 0) return { ok: false, problems };

  const parsed = configSchema.safeParse(overridden.raw ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({
        message: describeIssue(issue),
        path: formatPath(issue.path),
        ...locateIssue({ document, issue, at }),
      })),
    };
  }
  const providers = parsed.data.providers.map((provider) =>
    provider.kind === 'openai-compatible' && provider.apiKey === null && provider.apiKeyEnv !== null
      ? { ...provider, apiKey: options.env[provider.apiKeyEnv] || null }
      : provider,
  );
  return { ok: true, config: { ...parsed.data, providers } };
}

/** Renders problems one a line, compiler style: `slipway.yaml:12:5 routes[0].model: required (expected string)`. */
export function formatProblems(file: string, problems: readonly ConfigProblem[]): string {
  return problems
    .map((problem) => {
      const where = problem.line === null ? file : `${file}:${problem.line}:${problem.column ?? 1}`;
      return problem.path === ''
        ? `${where} ${problem.message}`
        : `${where} ${problem.path}: ${problem.message}`;
    })
    .join('\n');
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => {
      if (typeof key === 'number') return `[${key}]`;
      const name = String(key);
      if (!/^[A-Za-z_$][\w$]*$/.test(name)) return `[${JSON.stringify(name)}]`;
      return index === 0 ? name : `.${name}`;
    })
    .join('');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return `required (expected ${issue.expected})`;
  }
  return issue.message.replace(/^Invalid input: /, '');
}

/** An unknown key points at the key itself; anything else at the node for the path, or its nearest parent. */
function locateIssue(options: {
  document: Document;
  issue: z.core.$ZodIssue;
  at: (offset: number | undefined) => Location;
}): Location {
  const { document, issue, at } = options;
  const path = issue.path.filter((key): key is string | number => typeof key !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    const parent = path.length === 0 ? document.contents : document.getIn(path, true);
    if (isMap(parent)) {
      const pair = parent.items.find(
        (item) => isScalar(item.key) && issue.keys.includes(String(item.key.value)),
      );
      if (pair !== undefined && isNode(pair.key)) return at(pair.key.range?.[0]);
    }
  }
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
    if (isNode(node)) return at(node.range?.[0]);
  }
  return NOWHERE;
}
