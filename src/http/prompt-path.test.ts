import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePromptPath } from './prompt-path.js';

describe('parsePromptPath', () => {
  it('reads a bare name, slashes included, as the prompt', () => {
    expect(parsePromptPath('support/triage')).toEqual({ kind: 'prompt', name: 'support/triage' });
    expect(parsePromptPath('greeting')).toEqual({ kind: 'prompt', name: 'greeting' });
  });

  it('reads actions and their arguments from the end', () => {
    expect(parsePromptPath('support/triage/versions')).toEqual({ kind: 'versions', name: 'support/triage' });
    expect(parsePromptPath('support/triage/versions/3')).toEqual({
      kind: 'version',
      name: 'support/triage',
      version: '3',
    });
    expect(parsePromptPath('a/test-runs/ptr_1')).toEqual({ kind: 'test-run', name: 'a', id: 'ptr_1' });
    expect(parsePromptPath('a/b/c/promote')).toEqual({ kind: 'promote', name: 'a/b/c' });
    expect(parsePromptPath('a/label-moves')).toEqual({ kind: 'label-moves', name: 'a' });
  });

  it('reads a prompt named like an action as that prompt', () => {
    expect(parsePromptPath('promote')).toEqual({ kind: 'prompt', name: 'promote' });
    expect(parsePromptPath('versions/1')).toEqual({ kind: 'prompt', name: 'versions/1' });
  });

  it('always keeps a non-empty name for paths of plain names', () => {
    const segment = fc.stringMatching(/^[a-z0-9-]{1,8}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), (segments) => {
        const parsed = parsePromptPath(segments.join('/'));
        expect(parsed.name.length).toBeGreaterThan(0);
        expect(segments.join('/').startsWith(parsed.name)).toBe(true);
      }),
    );
  });
});
