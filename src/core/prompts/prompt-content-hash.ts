import type { PromptDefinition } from '../prompt.js';

function canonicalValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : canonicalValue(item)));
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) sorted[key] = canonicalValue(item);
    }
    return sorted;
  }
  return value;
}

/** JSON with every object's keys sorted, recursively; `undefined` members dropped as JSON drops them. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalValue(value)) ?? 'null';
}

/**
 * The definition as JSON with every object's keys sorted (recursively) and no whitespace, so that the same content
 * always gives the same text whatever the key order of the file it came from. Array order is kept: it is meaning.
 * @example canonicalPromptJson(definition) // '{"description":null,"messages":[...],"model":"chat-default",...}'
 */
export function canonicalPromptJson(definition: PromptDefinition): string {
  return canonicalJson(definition);
}

/**
 * The content hash a version is addressed by: `sha256:` and the hex SHA-256 of the canonical JSON. Core cannot
 * hash (no `node:crypto`), so the caller passes the digest function (the SecretHasher port's `digest`).
 * @example promptContentHash(definition, hasher.digest) // 'sha256:9f86d0…'
 */
export function promptContentHash(definition: PromptDefinition, sha256Hex: (text: string) => string): string {
  return `sha256:${sha256Hex(canonicalPromptJson(definition))}`;
}
