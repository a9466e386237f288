import { isMap, isScalar, isSeq } from 'yaml';
import type { Document, Scalar } from 'yaml';
import type { ConfigEnv } from './config-env.js';

/** `${NAME}`, or `${NAME:-fallback}` for a value used when NAME is unset or empty. */
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** A `${NAME}` whose variable is unset (and has no fallback). */
export interface UnsetVariable {
  name: string;
  /** Where the value sits in the configuration, as keys and indexes. */
  path: Array<string | number>;
  /** Offset of the scalar in the YAML text. */
  offset: number | null;
}

/**
 * Replaces `${NAME}` references in the document's string values (keys are left alone), in place. An unquoted
 * value that is entirely replaced is retyped as YAML would have read the text, so that `port: ${PORT}` gives a
 * number; a quoted one stays a string. Returns the references that could not be resolved.
 */
export function interpolateEnv(document: Document, env: ConfigEnv): UnsetVariable[] {
  const unset: UnsetVariable[] = [];
  const visit = (node: unknown, path: Array<string | number>): void => {
    if (isMap(node)) {
      for (const pair of node.items)
        visit(pair.value, [...path, isScalar(pair.key) ? String(pair.key.value) : '?']);
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => visit(item, [...path, index]));
    } else if (isScalar(node) && typeof node.value === 'string') {
      interpolateScalar({ node, path, env, unset });
    }
  };
  visit(document.contents, []);
  return unset;
}

function interpolateScalar(options: {
  node: Scalar;
  path: Array<string | number>;
  env: ConfigEnv;
  unset: UnsetVariable[];
}): void {
  const { node, path, env, unset } = options;
  const text = node.value as string;
  if (!text.includes('${')) return;
  const replaced = text.replace(REFERENCE, (reference, name: string, fallback: string | undefined) => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    unset.push({ name, path, offset: node.range?.[0] ?? null });
    return reference;
  });
  node.value = node.type === 'PLAIN' ? retypePlain(replaced) : replaced;
}

/** The YAML 1.2 core schema's reading of a plain scalar, for the types configuration uses. */
function retypePlain(text: string): string | number | boolean | null {
  if (text === '' || text === '~' || text === 'null') return null;
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return Number(text);
  return text;
}
