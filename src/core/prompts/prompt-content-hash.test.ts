import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aPromptDefinition } from '../../../test/contract/prompt-fixtures.js';
import type { PromptDefinition } from '../prompt.js';
import { canonicalPromptJson, promptContentHash } from './prompt-content-hash.js';

/** Stands in for SHA-256: what matters here is that the hash is a function of the canonical text. */
const identityDigest = (text: string): string => text;

function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([key, item]) => [key, reversedKeys(item)]),
    );
  }
  return value;
}

describe('prompt content hash', () => {
  it('is sha256: and the digest of the canonical JSON', () => {
    const definition = aPromptDefinition();
    expect(promptContentHash(definition, identityDigest)).toBe(`sha256:${canonicalPromptJson(definition)}`);
  });

  it('sorts keys at every depth, keeps array order and drops undefined members', () => {
    const definition = { b: 1, a: { d: [3, { f: 1, e: 2 }], c: undefined } } as unknown as PromptDefinition;
    expect(canonicalPromptJson(definition)).toBe('{"a":{"d":[3,{"e":2,"f":1}]},"b":1}');
  });

  it('does not change with key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (parameters) => {
        const definition = aPromptDefinition({ parameters: { value: parameters } });
        const reordered = reversedKeys(definition) as PromptDefinition;
        expect(promptContentHash(reordered, identityDigest)).toBe(
          promptContentHash(definition, identityDigest),
        );
      }),
    );
  });

  it('changes with any change of content', () => {
    const base = promptContentHash(aPromptDefinition(), identityDigest);
    const changed: Array<Partial<PromptDefinition>> = [
      { name: 'support/other' },
      { description: null },
      { model: 'other-model' },
      { parameters: { temperature: 0.1, max_tokens: 50 } },
      { messages: [{ role: 'user', content: '{{ticket}}' }] },
      { variables: { type: 'object' } },
      { tests: [] },
    ];
    for (const change of changed) {
      expect(promptContentHash(aPromptDefinition(change), identityDigest)).not.toBe(base);
    }
  });
});
